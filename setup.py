"""Only the long description (README.md with its relative links made usable on a package
index: scripts/packaged_readme.py); everything else is declared in pyproject.toml."""

import runpy
from pathlib import Path

from setuptools import setup

readme = runpy.run_path(str(Path(__file__).resolve().parent / "scripts" / "packaged_readme.py"))
setup(
    long_description=readme["long_description"](),
    long_description_content_type="text/markdown",
)
