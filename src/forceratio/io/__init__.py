"""The package's boundary with the user's files: :mod:`.files` opens a user file within the
size limit and writes outputs safely (atomic, never over an input; :mod:`.links` follows links
as the kernel's protected-symlinks rule does and makes temporary files never through a link),
:mod:`.decoding` turns its
bytes into text, :mod:`.tables` reads a user table (separator, header, line numbers, numbers
and column names) one way for every reader (the fit's daily series, ``--table``, CDB90),
:mod:`.decimal_marks` which decimal mark its numbers use."""
