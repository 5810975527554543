"""The package's long description: README.md with its relative links made usable off the
repository (setup.py passes it to setuptools; on a package index a link to ``docs/...`` or
``benchmarks/...`` led nowhere and an image did not show).

With a ``Repository`` (or ``Source``) URL under ``[project.urls]`` in pyproject.toml, each
relative link points into it (``URL/blob/main/PATH``; an image ``URL/raw/main/PATH``, GitHub's
layout).  Without one (none is declared yet) a link becomes its text and the file's path in
the source distribution, which holds docs/, examples/, benchmarks/ and VALIDATION.md
(MANIFEST.in); an image becomes its caption and path.  In-page anchors (``#...``), absolute
links and code blocks are left as they are; README.md itself is not changed, so its links
keep working in the repository.

    python scripts/packaged_readme.py   # the description as packaged, on stdout
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(([^)\s]+)\)")
ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|#|/)", re.IGNORECASE)  # a scheme, anchor, root
WHERE = "in the source distribution"


def repository(root: Path = ROOT) -> str | None:
    """The repository's URL from pyproject.toml's ``[project.urls]``, if declared."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    urls = {k.lower(): v for k, v in project.get("urls", {}).items()}
    url = urls.get("repository") or urls.get("source")
    return str(url).rstrip("/") if url else None


def _rewrite(match: re.Match[str], url: str | None) -> str:
    bang, text, target = match.groups()
    if ABSOLUTE.match(target):
        return match.group(0)
    path = target.removeprefix("./")
    if url is not None:
        return f"{bang}[{text}]({url}/{'raw' if bang else 'blob'}/main/{path})"
    if bang:
        return f"*Figure: {text} (`{path}` {WHERE}).*"
    if text.strip("`") == path:
        return f"`{path}` ({WHERE})"
    return f"{text} (`{path}` {WHERE})"


def packaged(text: str, url: str | None = None) -> str:
    """``text`` (markdown) with its relative links rewritten, outside fenced code blocks."""
    out, fenced = [], False
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        out.append(line if fenced else LINK.sub(lambda m: _rewrite(m, url), line))
    return "".join(out)


def long_description(root: Path = ROOT) -> str:
    """README.md as packaged."""
    return packaged((root / "README.md").read_text(encoding="utf-8"), repository(root))


if __name__ == "__main__":
    sys.stdout.write(long_description())
