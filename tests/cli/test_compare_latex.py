"""``compare --format latex`` fits a page.

It was one ``tabular`` of 67 columns (a scenario a row, a field a column) that ran far off
any page.  Now each field is a row and each scenario a column, a few scenarios to a
``longtable`` (which breaks across pages).  Checked without compiling, on the structure:
environments and groups balanced, braces balanced in every row, every row as many cells as
its table's column specification declares, the scenarios in the headers in order and each
once (oracle: the JSON output's rows), the widths within the line, and values in their
cells.  ASSUMPTION for the width check: a 10 pt article (line 345 pt, \\tabcolsep 6 pt)."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from forceratio.cli.app import app
from forceratio.cli.output import comparison_latex, latex_cell

runner = CliRunner()
LINE_PT, GAP_PT = 345.0, 12.0  # \linewidth and 2 \tabcolsep of a 10 pt article


def _group(text: str, start: int) -> tuple[str, int]:
    """The balanced ``{...}`` group opening at ``text[start]``: (its inside, the index after)."""
    assert text[start] == "{", text[start:]
    depth = 0
    for i in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return text[start + 1 : i], i + 1
    raise AssertionError(f"unbalanced: {text[start:]}")


def _columns(spec: str) -> list[float]:
    """The columns of a tabular/longtable specification, each its width as a fraction of
    the line (0 for l, r and c): ``>{..}`` and ``@{..}`` skipped, ``*{n}{..}`` expanded."""
    out: list[float] = []
    i = 0
    while i < len(spec):
        ch = spec[i]
        if ch in ">@<":
            _, i = _group(spec, i + 1)
        elif ch == "*":
            n, i = _group(spec, i + 1)
            sub, i = _group(spec, i)
            out += _columns(sub) * int(n)
        elif ch in "pmb":
            width, i = _group(spec, i + 1)
            out.append(float(width.removesuffix(r"\linewidth")))
        elif ch in "lrc":
            out.append(0.0)
            i += 1
        else:
            assert ch.isspace() or ch == "|", f"unexpected {ch!r} in {spec}"
            i += 1
    return out


def _cells(row: str) -> list[str]:
    assert row.endswith(r" \\"), row
    return re.split(r"(?<!\\)&", row.removesuffix(r" \\"))


def _tables(tex: str) -> list[tuple[list[float], list[list[str]]]]:
    """Each longtable: (its columns' widths, its rows' cells), checking the nesting."""
    stack: list[str] = []
    tables: list[tuple[list[float], list[list[str]]]] = []
    for line in tex.splitlines():
        if line.startswith("%") or not line:
            continue
        for kind, name in re.findall(r"\\(begin|end)(?:\{(\w+)\}|group)", line):
            name = name or "group"
            if kind == "begin":
                stack.append(name)
            else:
                assert stack, f"\\end of {name} unopened: {line}"
                assert stack.pop() == name, f"\\end of {name} unopened: {line}"
        m = re.match(r"\\begin\{longtable\}", line)
        if m:
            assert stack == ["group", "longtable"], stack
            tables.append((_columns(_group(line, m.end())[0]), []))
        elif line.endswith(r" \\"):
            assert stack[-1:] == ["longtable"], line
            unescaped = re.sub(r"\\[{}]", "", line)
            assert unescaped.count("{") == unescaped.count("}"), line
            tables[-1][1].append(_cells(line))
    assert stack == [], f"left open: {stack}"
    return tables


def _invoke(*args: str) -> str:
    res = runner.invoke(app, ["compare", *args])
    assert res.exit_code == 0, res.output
    return res.stdout


def test_every_builtin_compared_in_tables_that_fit_a_page() -> None:
    tex = _invoke("--format", "latex")
    rows = json.loads(_invoke("--format", "json"))
    names = [r["scenario"] for r in rows]
    assert len(names) >= 8  # every built-in: the case that ran off the page
    assert tex.startswith("%")
    assert r"\usepackage{booktabs,longtable,array}" in tex.splitlines()[0]
    tables = _tables(tex)
    assert len(tables) >= 2
    headers: list[str] = []
    for widths, cells in tables:
        assert 2 <= len(widths) <= 4  # the field, then at most three scenarios
        used = sum(widths) + GAP_PT * (len(widths) - 1) / LINE_PT
        assert used <= 1.0, f"{used:.3f} of the line"
        for row in cells:
            assert len(row) == len(widths), row
        assert cells[0][0].strip() == "scenario"
        headers += [c.strip() for c in cells[0][1:]]
        fields = [row[0].strip() for row in cells[1:]]
        assert len(fields) == len(set(fields))
        assert {"date", "winner", "attacker\\_margin", "german\\_losses"} <= set(fields)
    assert headers == names  # each scenario once, in order
    # values in their cells: the winner as text, a count whole (no decimals), a share rounded
    first = dict((r[0].strip(), [c.strip() for c in r[1:]]) for r in tables[0][1])
    assert first["winner"] == [r["winner"] for r in rows[:3]]
    assert first["sectors"] == [str(r["sectors"]) for r in rows[:3]]
    assert first["attacker\\_margin"] == [f"{r['attacker_margin']:.3f}" for r in rows[:3]]
    assert first["german\\_losses"] == [
        f"{r['german_losses']:,.0f}".replace(",", "{,}") for r in rows[:3]
    ]


def test_special_characters_are_escaped_and_a_field_nobody_has_is_left_out() -> None:
    text = r"a_b & 50% of #1 ~ $x^2$ {y} \z"
    cell = latex_cell(text)
    bare = re.sub(r"\\(?:[&%#$_{}]|text\w+\{\})", "", cell)
    assert not set(bare) & set("&%#$_{}~^\\"), cell
    tex = comparison_latex(
        [{"scenario": "a", "note": text, "only_b": None}, {"scenario": "b", "note": None}]
    )
    ((widths, cells),) = _tables(tex)
    assert len(widths) == 3
    assert [row[0].strip() for row in cells] == ["scenario", "note"]
    assert cells[1][1].strip() == cell
    assert cells[1][2].strip() == "--"
