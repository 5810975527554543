"""Reading a calibration cache entry from outside the cache (the tests' check of which key a
file was stored under; the package itself never needs it)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np


def stored_key(path: Path) -> str | None:
    """The key an entry was stored under (None when it cannot be read)."""
    try:
        with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as z:
            key = json.loads(str(z["meta"])).get("key")
    except (OSError, ValueError, KeyError, TypeError, AttributeError, EOFError, zipfile.BadZipFile):
        return None
    return key if isinstance(key, str) else None
