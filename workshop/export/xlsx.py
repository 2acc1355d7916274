"""Excel workbook (pandas + openpyxl): one sheet per table, typed, frozen header, autofilter."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from workshop.export import Translate
from workshop.export.cells import neutralise_frame
from workshop.export.tables import TABLES

MAX_WIDTH = 60
SHEET_NAME_LIMIT = 31  # Excel refuses longer sheet names


def render(tables: dict[str, pd.DataFrame], translate: Translate) -> bytes:
    """The workbook as bytes; formula-like text is neutralised in every cell."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(
        buffer, engine="openpyxl", datetime_format="yyyy-mm-dd hh:mm", date_format="yyyy-mm-dd"
    ) as writer:
        for key, title in TABLES.items():
            frame = neutralise_frame(tables[key])
            name = translate(title)[:SHEET_NAME_LIMIT]
            frame.to_excel(writer, sheet_name=name, index=False)
            _tidy(writer.sheets[name], frame)
    return buffer.getvalue()


def _tidy(sheet: Worksheet, frame: pd.DataFrame) -> None:
    """Freeze the header, filter every column, and size columns to their content."""
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for index, column in enumerate(frame.columns, start=1):
        values = ["" if pd.isna(v) else str(v) for v in frame[column].tolist()]
        longest = max([len(str(column)), *(len(line) for v in values for line in v.split("\n"))])
        width = min(MAX_WIDTH, longest + 2)
        sheet.column_dimensions[get_column_letter(index)].width = width
        if longest > MAX_WIDTH:
            # Long text (notes) wraps inside its column instead of running off the screen.
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
