"""Dates in a scenario file: ``YYYY-MM-DD``, written as a TOML date or as a string."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator


def check_date(text: str) -> str:
    """``text`` when it is a real date written ``YYYY-MM-DD``; else ValueError."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):  # fromisoformat takes 1973-W41-7
        raise ValueError(f"{text!r} is not a date written YYYY-MM-DD")
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"impossible date {text!r} (expected YYYY-MM-DD)") from None
    return text


def _as_text(v: Any) -> Any:
    """A native TOML (or Python) date as its ISO text; the scenario keeps dates as text so
    that its dumps, digests and the table rows it selects read the same either way."""
    if isinstance(v, dt.datetime):  # (a subclass of date: a time of day is not a date)
        raise ValueError(f"expected a date YYYY-MM-DD without a time, got {v.isoformat()}")
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


#: A date field: a TOML date (``date = 1941-06-22``) or a string (``date = "1941-06-22"``).
IsoDate = Annotated[str, BeforeValidator(_as_text), AfterValidator(check_date)]
