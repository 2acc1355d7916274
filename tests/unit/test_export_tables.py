"""Excel and CSV read back: sheets, typed columns, frozen headers, filters, defused formulas."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pandas as pd
import pytest
from sqlalchemy.orm import Session

from tests.support.exports import PEOPLE, build, visible_texts
from tests.support.factories import Factory
from workshop.export import csv, tables, translator, xlsx
from workshop.export.cells import neutralise
from workshop.report import build_report, identity

SHEETS = ["Notes", "Clusters", "Votes", "Risk scores", "Risk register", "Viewpoints", "Timeline"]
NAMES = [name for name, _slug in PEOPLE]


@pytest.mark.parametrize("text", ["=1+1", "+31", "-10%", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_defused(text: str) -> None:
    assert neutralise(text) == "'" + text
    assert neutralise("Plain text = fine") == "Plain text = fine"
    assert neutralise(3) == 3


def _tables(db: Session, factory: Factory, **kwargs: object) -> dict[str, pd.DataFrame]:
    built = build(db, factory)
    report = build_report(db, built.workshop, identity, **kwargs)  # type: ignore[arg-type]
    return tables.build(db, built.workshop, report, identity, **kwargs)  # type: ignore[arg-type]


def test_workbook_sheets_types_and_layout(db: Session, factory: Factory) -> None:
    content = xlsx.render(_tables(db, factory), identity)
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == SHEETS
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref, sheet.title
    notes = pd.read_excel(io.BytesIO(content), sheet_name="Notes")
    assert len(notes) == len(visible_texts())
    assert pd.api.types.is_datetime64_any_dtype(notes["Time"])
    assert pd.api.types.is_integer_dtype(notes["No."])
    texts = [text.removeprefix("'") for text in notes["Note"]]
    assert sorted(texts) == sorted(visible_texts())
    formulas = [c.value for row in book["Notes"].iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    assert '\'=HYPERLINK("http://evil.example","click")' in list(notes["Note"])
    assert "'+31 extra cost per seat" in list(notes["Note"])
    clusters = pd.read_excel(io.BytesIO(content), sheet_name="Clusters")
    assert list(clusters["Cluster title"]) == ["Privacy", "Lock-in", "Costs"]
    assert list(clusters["Dots from Suppliers"]) == [0, 0, 5]
    register = pd.read_excel(io.BytesIO(content), sheet_name="Risk register")
    assert list(register.columns) == [
        "Cluster title",
        "Viewpoints",
        "Likelihood",
        "Impact",
        "Risk score",
        "Notes",
        "Owner",
        "Mitigation",
    ]
    assert list(register["Risk score"]) == [20.0, 10.5, 4.0]
    assert register["Owner"].isna().all() and register["Mitigation"].isna().all()
    votes = pd.read_excel(io.BytesIO(content), sheet_name="Votes")
    assert votes["Dots"].sum() == 21
    every_cell = " ".join(
        str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row
    )
    assert not any(name in every_cell for name in NAMES)


def test_named_workbook_only_when_asked(db: Session, factory: Factory) -> None:
    content = xlsx.render(_tables(db, factory, include_names=True), identity)
    votes = pd.read_excel(io.BytesIO(content), sheet_name="Votes")
    assert set(votes["Participant"]) <= set(NAMES)


def test_csv_zip_has_the_same_tables_with_bom(db: Session, factory: Factory) -> None:
    content = csv.render(_tables(db, factory), "en")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        raw = archive.read("notes.csv")
        register = pd.read_csv(io.BytesIO(archive.read("risk-register.csv")), encoding="utf-8-sig")
    assert names == [
        "notes.csv",
        "clusters.csv",
        "votes.csv",
        "risk-scores.csv",
        "risk-register.csv",
        "viewpoints.csv",
        "timeline.csv",
    ]
    assert raw.startswith(b"\xef\xbb\xbf")
    notes = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    assert sorted(t.removeprefix("'") for t in notes["Note"]) == sorted(visible_texts())
    assert not any(str(t).startswith(("=", "+", "-", "@")) for t in notes["Note"])
    assert list(register["Cluster title"]) == ["Privacy", "Lock-in", "Costs"]
    assert csv.render(_tables(db, factory), "en") != b""  # renders again without state


def test_dutch_csv_uses_semicolons_and_decimal_commas(db: Session, factory: Factory) -> None:
    built = build(db, factory, language="nl")
    translate = translator("nl")
    report = build_report(db, built.workshop, translate)
    content = csv.render(tables.build(db, built.workshop, report, translate), "nl")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        text = archive.read("risk-register.csv").decode("utf-8-sig")
    assert ";10,5;" in text
