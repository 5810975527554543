"""A user file's bytes as text, or one line saying what the file is instead.

Text is UTF-8, with or without a byte-order mark.  UTF-16 with a byte-order mark (Excel's
"Unicode Text", FF FE) is read too, and so is UTF-32 with its mark (FF FE 00 00): the mark
says unambiguously how to read it, so refusing it would only make the user convert a file
we can read exactly.  Anything else is refused with what it looks like and how to save it
as UTF-8: UTF-16 without a mark (a NUL after every character: which byte order cannot be
told for sure), a compressed or zipped file (an ``.xlsx`` workbook is a ZIP), and bytes
that are not UTF-8 (named by line and column, as an editor shows them; mostly a Windows
code page such as cp1252).
"""

from __future__ import annotations

from forceratio.errors import InputError

#: What to do with a file that is not UTF-8 text.
SAVE_AS = 'save it as UTF-8 (from Excel: Save As, "CSV UTF-8")'
#: File signatures that are not text.
_SIGNATURES = (
    (b"\x1f\x8b", "a gzip-compressed file, not text: decompress it first (gunzip)"),
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook?), not text: " + SAVE_AS),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook, not text: " + SAVE_AS),
)


def decode(data: bytes, where: str) -> str:
    """``data`` as text (see the module's docstring); a leading byte-order mark dropped."""
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            raise InputError(where, f"is {what}")
    # UTF-32's marks first: its little-endian one starts with UTF-16's (FF FE 00 00)
    code = "utf-32" if data[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff") else "utf-16"
    if code == "utf-32" or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode(code)
        except UnicodeDecodeError as exc:
            raise InputError(
                where,
                f"not {code.upper()} text despite its byte-order mark (byte {exc.start}): "
                + SAVE_AS,
            ) from None
    head = data[:4096]
    if head.count(b"\x00") * 3 > len(head):  # every other byte 0: UTF-16 without its mark
        raise InputError(
            where, f"looks like UTF-16 text without a byte-order mark, not UTF-8: {SAVE_AS}"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(where, _not_utf8(data, exc)) from None


def _not_utf8(data: bytes, exc: UnicodeDecodeError) -> str:
    """Where and why ``data`` is not UTF-8: line and column (characters, from 1)."""
    line = data.count(b"\n", 0, exc.start) + 1
    start = data.rfind(b"\n", 0, exc.start) + 1
    column = len(data[start : exc.start].decode("utf-8", errors="replace")) + 1
    byte = data[exc.start]
    return (
        f"not UTF-8 text (line {line}, column {column}: byte 0x{byte:02x}, {exc.reason}; "
        f"a Windows code page such as cp1252?): {SAVE_AS}"
    )
