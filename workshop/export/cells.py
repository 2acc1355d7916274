"""Spreadsheet cells that cannot run: text a spreadsheet would read as a formula is defused."""

from __future__ import annotations

from typing import Any

import pandas as pd

# Excel, LibreOffice and Google Sheets start a formula (or DDE) with these; a tab or carriage
# return in front is skipped by some of them, so those count too (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Prefix formula-like text with an apostrophe, so it shows as text; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the table with every text cell neutralised."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    return safe
