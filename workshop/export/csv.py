"""CSV: a zip of the summary's tables, UTF-8 with BOM so Excel reads Dutch text correctly."""

from __future__ import annotations

import io
import zipfile

import pandas as pd

from workshop.export.cells import neutralise_frame
from workshop.export.tables import TABLES

# A fixed timestamp inside the zip keeps the file identical for identical data.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Dutch Excel splits on semicolons and reads decimal commas; English Excel on commas.
DIALECTS = {"nl": (";", ","), "en": (",", ".")}


def render(tables: dict[str, pd.DataFrame], language: str) -> bytes:
    """The zip as bytes: one ``<table>.csv`` per table, formula-like text neutralised."""
    separator, decimal = DIALECTS.get(language, DIALECTS["en"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for key in TABLES:
            text = neutralise_frame(tables[key]).to_csv(
                index=False,
                sep=separator,
                decimal=decimal,
                date_format="%Y-%m-%d %H:%M",
                lineterminator="\r\n",
            )
            info = zipfile.ZipInfo(f"{key}.csv", date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8-sig"))
    return buffer.getvalue()
