"""The XSS corpus through the Markdown, Word, Excel and CSV exports.

One workshop (built through the domain API, as the realtime handlers would) holds every hostile
string of tests/support/xss_corpus.py: the same fields as the browser test. Each export is read
back the way its reader would: Markdown rendered by a CommonMark parser (markdown-it-py), Word by
python-docx, Excel by openpyxl, the CSV files by the csv module. Every string comes back verbatim
(after the app's documented cleaning); user text never becomes markup, a link, a field or a
formula: spreadsheet text that would start a formula carries a leading apostrophe
(``workshop/export/cells.py``).
"""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import docx
import openpyxl
import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from sqlalchemy.orm import Session

from tests.support.factories import Factory
from tests.support.xss_corpus import PLAN, expected, fields
from workshop import clusters, dots, editing, notes, participants, phases, votes
from workshop.actors import Actor
from workshop.export import bundle, translator
from workshop.export.cells import FORMULA_STARTS

KINDS = ("risk", "consequence")
# What Markdown turns into something other than text; none of it may come from user text.
NOT_TEXT = {
    "link_open",
    "image",
    "html_block",
    "code_inline",
    "code_block",
    "fence",
    "blockquote_open",
    "hr",
    "ordered_list_open",
    "lheading",
}


def op() -> str:
    """A fresh operation id."""
    return uuid.uuid4().hex


Built = tuple[Callable[[str], bytes], dict[str, list[str]]]


@pytest.fixture
def exported(db: Session, factory: Factory) -> Built:
    """The corpus workshop run to its results, its export (with names) and the expected texts."""
    chosen = fields()
    owner = factory.facilitator()
    workshop = factory.workshop(owner=owner, plan_text=PLAN)
    boss = Actor("facilitator", facilitator_id=owner.id)
    viewpoints = [
        {"id": vp.id, "name": name, "question": question, "colour": vp.colour}
        for vp, name, question in zip(
            sorted(workshop.viewpoints, key=lambda vp: vp.position),
            chosen.viewpoints,
            chosen.questions,
            strict=True,
        )
    ]
    changes = {
        "title": chosen.title,
        "theme": chosen.theme,
        "intro": chosen.intro,
        "kinds": [{"key": k, "label": label} for k, label in zip(KINDS, chosen.kinds, strict=True)],
        "viewpoints": viewpoints,
    }
    editing.update(db, workshop, boss, changes, op())
    slugs = [vp.slug for vp in sorted(workshop.viewpoints, key=lambda vp: vp.position)]
    people = [
        participants.join(db, workshop, name, slugs[index % len(slugs)])[0]
        for index, name in enumerate(chosen.names)
    ]
    phases.set_phase(db, workshop, boss, "brainstorm", op())
    note_ids = []
    for index, body in enumerate(chosen.notes):
        note_ids.append(str(uuid.uuid4()))
        author = Actor("participant", participant=people[index % len(people)])
        kind = KINDS[index % 2]
        notes.add(db, workshop, author, note_id=note_ids[-1], kind=kind, body=body, op_id=op())
    phases.set_phase(db, workshop, boss, "cluster", op())
    cluster_ids = []
    for index, title in enumerate(chosen.clusters):
        cluster_ids.append(str(uuid.uuid4()))
        members = note_ids[index * 3 : index * 3 + 3]
        clusters.create(
            db,
            workshop,
            boss,
            cluster_id=cluster_ids[-1],
            title=title,
            note_ids=members,
            position=None,
            op_id=op(),
        )
    phases.set_phase(db, workshop, boss, "vote", op())
    for index, person in enumerate(people):
        actor = Actor("participant", participant=person)
        target = {"target_type": "cluster", "target_id": cluster_ids[index % len(cluster_ids)]}
        dots.change_dots(db, workshop, actor, **target, delta=1, op_id=op())
        votes.score(db, workshop, actor, **target, likelihood=1 + index % 5, impact=3, op_id=op())
    phases.set_phase(db, workshop, boss, "results", op())
    db.commit()

    def render(fmt: str) -> bytes:
        found = bundle.render_all(db, workshop, [fmt], translator("en"), include_names=True)
        return found[fmt]

    texts = {
        "title": [expected(chosen.title)],
        "theme": [expected(chosen.theme)],
        "intro": [expected(chosen.intro, multiline=True)],
        "viewpoint": [expected(text) for text in chosen.viewpoints],
        "question": [expected(text, multiline=True) for text in chosen.questions],
        "kind": [expected(text) for text in chosen.kinds],
        "name": [expected(text) for text in chosen.names],
        "note": [expected(text, multiline=True) for text in chosen.notes],
        "cluster": [expected(text) for text in chosen.clusters],
    }
    return render, texts


def _inline_texts(tokens: list[Token]) -> Iterator[str]:
    """The plain text of each inline run (a heading, paragraph, list item or table cell)."""
    for token in tokens:
        if token.type != "inline":
            continue
        parts = []
        for child in token.children or []:
            if child.type == "text":
                parts.append(child.content)
            elif child.type in {"softbreak", "hardbreak"}:
                parts.append("\n")
            elif child.type == "html_inline":
                assert child.content == "<br>", child.content  # the only HTML the app writes
                parts.append("\n")
        text = "".join(parts)
        yield text
        # A note in a list item follows its kind: "Kind: text".
        if ": " in text:
            yield text.split(": ", 1)[1]


def test_markdown_shows_every_string_as_text_and_no_markup(exported: Built) -> None:
    render, texts = exported
    source = render("md").decode("utf-8")
    tokens = MarkdownIt("commonmark").enable("table").parse(source)
    made = sorted({token.type for token in tokens} | _child_types(tokens))
    assert not NOT_TEXT & set(made), made
    # Headings only where the app writes "#", lists never nested (no user text starts one).
    headings = [token for token in tokens if token.type == "heading_open"]
    assert len(headings) == sum(1 for line in source.splitlines() if line.startswith("#"))
    assert all(token.level == 0 for token in tokens if token.type == "bullet_list_open")
    shown = set(_inline_texts(tokens))
    for field, values in texts.items():
        missing = [value for value in values if value not in shown]
        assert not missing, f"Markdown {field}: not verbatim: {missing}"


def _child_types(tokens: list[Token]) -> set[str]:
    return {child.type for token in tokens for child in token.children or []}


def test_word_shows_every_string_and_has_no_links_or_fields(exported: Built) -> None:
    render, texts = exported
    document = docx.Document(io.BytesIO(render("docx")))
    shown = {paragraph.text for paragraph in document.paragraphs}
    shown |= {
        paragraph.text.split(": ", 1)[-1]
        for paragraph in document.paragraphs
        if paragraph.style.name == "List Bullet"
    }
    for table in document.tables:
        shown |= {cell.text for row in table.rows for cell in row.cells}
    for field, values in texts.items():
        missing = [value for value in values if value not in shown]
        assert not missing, f"Word {field}: not verbatim: {missing}"
    assert document.core_properties.title == texts["title"][0]
    # User text lands in w:t elements only: no links, fields, embedded objects.
    for markup in ("w:hyperlink", "w:fldSimple", "w:fldChar", "w:instrText", "w:object"):
        assert document.element.xpath(f"//{markup}") == [], markup
    links = [rel.target_ref for rel in document.part.rels.values() if rel.is_external]
    assert links == []


def defused(text: str) -> str:
    """What a spreadsheet cell holds for ``text``: formula-like text starts with an apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


TABLE_FIELDS = ("viewpoint", "kind", "name", "note", "cluster")


def _assert_cells(kind: str, cells: set[str], texts: dict[str, list[str]]) -> None:
    for field in TABLE_FIELDS:
        missing = [value for value in texts[field] if defused(value) not in cells]
        assert not missing, f"{kind} {field}: not verbatim (or not defused): {missing}"
    users = {value for values in texts.values() for value in values}
    raw = [value for value in users if value.startswith(FORMULA_STARTS) and value in cells]
    assert raw == [], f"{kind}: user text that would start a formula: {raw}"


def test_excel_cells_are_verbatim_text_and_never_formulas(exported: Built) -> None:
    render, texts = exported
    book = openpyxl.load_workbook(io.BytesIO(render("xlsx")))
    cells: set[str] = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}: {cell.value}"
                if isinstance(cell.value, str):
                    cells.add(cell.value)
    assert any(value.startswith("'=HYPERLINK(") for value in cells)
    _assert_cells("Excel", cells, texts)


def test_csv_cells_are_verbatim_text_and_never_formulas(exported: Built) -> None:
    render, texts = exported
    cells: set[str] = set()
    with zipfile.ZipFile(io.BytesIO(render("csv"))) as archive:
        for name in archive.namelist():
            content = archive.read(name).decode("utf-8-sig")
            rows: list[list[Any]] = list(csv.reader(io.StringIO(content, newline="")))
            cells |= {value for row in rows for value in row}
    _assert_cells("CSV", cells, texts)
