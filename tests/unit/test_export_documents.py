"""Markdown and Word read back: headings, ranking order, every note once, no names, figures."""

from __future__ import annotations

import io

import docx
from sqlalchemy.orm import Session

from tests.support.exports import HIDDEN, PEOPLE, build, visible_texts
from tests.support.factories import Factory
from workshop.export import docx as word
from workshop.export import markdown, translator
from workshop.export.markdown import escape
from workshop.report import build_report, identity

NAMES = [name for name, _slug in PEOPLE]


def test_markdown_has_the_report_structure(db: Session, factory: Factory) -> None:
    report = build_report(db, build(db, factory).workshop)
    text = markdown.render(report, identity)
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings[0] == "# Cloud strategy"
    for heading in ("## Participation", "## Ranking", "## Risk matrix", "## Municipalities"):
        assert heading in headings
    assert headings.index("## Across viewpoints") < headings.index("## Appendix: all notes")
    assert "### 1. Privacy" in headings and "### Unclustered notes" in headings
    ranking = text.split("## Ranking")[1].split("##")[0]
    assert ranking.index("Privacy") < ranking.index("Lock-in") < ranking.index("Costs")
    sections = text.split("## Municipalities")[1].split("## Across viewpoints")[0]
    appendix = text.split("## Appendix: all notes")[1]
    for note in visible_texts():
        first_line = escape(note).split("  \n")[0]
        assert sections.count(first_line) == 1, note
        assert appendix.count(first_line.replace("\\-", "-").replace("\\+", "+")) == 1, note
    assert HIDDEN not in text
    assert not any(name in text for name in NAMES)


def test_markdown_escapes_what_would_become_markup() -> None:
    assert escape("- *bold* | pipe") == "\\- \\*bold\\* \\| pipe"
    assert escape("two\nlines") == "two  \n  lines"


def _docx(content: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(content))


def test_word_document_headings_tables_figures(db: Session, factory: Factory) -> None:
    report = build_report(db, build(db, factory).workshop)
    document = _docx(word.render(report, identity))
    headings = [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style.name.startswith(("Head", "Title"))
    ]
    assert headings[0] == ("Title", "Cloud strategy")
    assert ("Heading 1", "Ranking") in headings and ("Heading 2", "Risk matrix") in headings
    assert [h for h in headings if h[0] == "Heading 1"][2:5] == [
        ("Heading 1", "Municipalities"),
        ("Heading 1", "Shared service"),
        ("Heading 1", "Suppliers"),
    ]
    assert ("Heading 2", "1. Privacy") in headings
    assert len(document.inline_shapes) == 2  # ranking chart and risk matrix
    ranking = document.tables[1]
    assert [row.cells[1].text for row in ranking.rows[1:4]] == ["Privacy", "Lock-in", "Costs"]
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    for note in visible_texts():
        assert sum(1 for b in bullets if b.endswith(note) or f"{note} — " in b) == 1, note
    appendix = document.tables[-1]
    assert sorted(row.cells[5].text for row in appendix.rows[1:]) == sorted(visible_texts())
    full = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert HIDDEN not in full and not any(name in full for name in NAMES)


def test_word_in_dutch_with_names(db: Session, factory: Factory) -> None:
    built = build(db, factory, language="nl")
    translate = translator("nl")
    report = build_report(db, built.workshop, translate, include_names=True)
    document = _docx(word.render(report, translate))
    appendix = document.tables[-1]
    assert {row.cells[4].text for row in appendix.rows[1:]} <= set(NAMES)
    assert document.core_properties.language == "nl"
