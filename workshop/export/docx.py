"""Word (python-docx): the report as an editable document — headings, tables, figures."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.table import Table
from docx.text.paragraph import Paragraph

from workshop.export import Translate
from workshop.export.figures import ranking_chart, risk_matrix
from workshop.export.wording import (
    figures_line,
    header_facts,
    number,
    timeline_rows,
)
from workshop.i18n_markers import N_

TABLE_STYLE = "Light Grid Accent 1"
FIGURE_WIDTH = Cm(16)
BULLET_STYLE_ID = "ListBullet"  # the id of the built-in "List Bullet" style of the default template


def render(report: dict[str, Any], translate: Translate) -> bytes:
    """The .docx file as bytes."""
    t = translate
    lang = report["header"]["language"]
    doc = Document()
    _properties(doc, report)
    _header(doc, report, t)
    _ranking(doc, report, t, lang)
    for viewpoint in report["viewpoints"]:
        _viewpoint(doc, viewpoint, t, lang)
    _cross(doc, report, t)
    _timeline(doc, report, t, lang)
    _appendix(doc, report, t)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _properties(doc: DocumentObject, report: dict[str, Any]) -> None:
    header = report["header"]
    props = doc.core_properties
    props.title = header["title"]
    props.subject = header["theme"]
    props.author = header["facilitator"]
    props.language = header["language"]
    props.comments = ""


def table(doc: DocumentObject, head: list[str], rows: list[list[str]]) -> Table:
    """A styled table whose header row repeats on every page."""
    grid: Table = doc.add_table(rows=len(rows) + 1, cols=len(head))
    grid.style = TABLE_STYLE
    # Cells fetched once: python-docx recomputes the whole grid on every row.cells call.
    cells = grid._cells
    width = len(head)
    for col, text in enumerate(head):
        cells[col].text = text
    for r, row in enumerate(rows, start=1):
        for col, text in enumerate(row):
            cells[r * width + col].text = text
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    grid.rows[0]._tr.get_or_add_trPr().append(repeat)
    doc.add_paragraph()
    return grid


def _header(doc: DocumentObject, report: dict[str, Any], t: Translate) -> None:
    header = report["header"]
    doc.add_heading(header["title"], level=0)
    if header["theme"]:
        doc.add_paragraph(header["theme"], style="Subtitle")
    for label, value in header_facts(report, t):
        line = doc.add_paragraph()
        line.add_run(f"{label}: ").bold = True
        line.add_run(value)
    if header["intro"]:
        doc.add_paragraph(header["intro"])
    doc.add_heading(t(N_("Participation")), level=1)
    rows = [
        [p["viewpoint"], str(p["participants"]), str(p["notes"]), str(p["voters"])]
        for p in report["participation"]
    ]
    heads = [t(N_("Viewpoint")), t(N_("Participants")), t(N_("Notes")), t(N_("Voters"))]
    table(doc, heads, rows)


def _figure(doc: DocumentObject, png: bytes | None, caption: str) -> None:
    if png is None:
        return
    doc.add_picture(io.BytesIO(png), width=FIGURE_WIDTH)
    doc.add_paragraph(caption, style="Caption")


def _ranking(doc: DocumentObject, report: dict[str, Any], t: Translate, lang: str) -> None:
    doc.add_heading(t(N_("Ranking")), level=1)
    if not report["ranking"]:
        doc.add_paragraph(t(N_("Nothing to rank yet.")))
        return
    _figure(doc, ranking_chart(report, t), t(N_("Dots per cluster or note, highest first.")))
    rows = [
        [
            str(row["rank"]),
            row["title"],
            ", ".join(row["raised_by"]),
            str(row["dots"]),
            number(row["risk_score"], lang),
            str(row["plus_ones"]),
        ]
        for row in report["ranking"]
    ]
    head = [t(N_("Rank")), t(N_("Cluster or note")), t(N_("Raised by")), t(N_("Dots"))]
    table(doc, [*head, t(N_("Risk score")), t(N_("+1s"))], rows)
    if report["matrix"]["points"]:
        doc.add_heading(t(N_("Risk matrix")), level=2)
        caption = t(N_("Rank numbers of the items, by median impact (rows) and likelihood."))
        _figure(doc, risk_matrix(report, t), caption)


def _bullet(doc: DocumentObject) -> Paragraph:
    """An empty "List Bullet" paragraph."""
    item = doc.add_paragraph()
    # The style's id set directly: a lookup by name scans every style, 2,000 notes took 7 s.
    item._p.style = BULLET_STYLE_ID
    return item


def _note(doc: DocumentObject, note: dict[str, Any], suffix: str = "") -> None:
    item = _bullet(doc)
    item.add_run(f"{note['kind_label']}: ").bold = True
    item.add_run(note["text"] + suffix)


def _viewpoint(doc: DocumentObject, viewpoint: dict[str, Any], t: Translate, lang: str) -> None:
    heading = doc.add_heading(viewpoint["name"], level=1)
    heading.paragraph_format.page_break_before = True  # each viewpoint starts a page
    doc.add_paragraph(viewpoint["question"], style="Quote")
    if not viewpoint["clusters"] and not viewpoint["unclustered"]:
        doc.add_paragraph(t(N_("No notes from this viewpoint.")))
    for cluster in viewpoint["clusters"]:
        doc.add_heading(f"{cluster['rank']}. {cluster['title']}", level=2)
        doc.add_paragraph(figures_line(cluster, lang, t))
        for note in cluster["notes"]:
            _note(doc, note)
    if viewpoint["unclustered"]:
        doc.add_heading(t(N_("Unclustered notes")), level=2)
        for item in viewpoint["unclustered"]:
            dots = t(N_("Dots: %(dots)s")) % {"dots": item["dots"]} if item["dots"] else ""
            _note(doc, item["note"], f" — {dots}" if dots else "")


def _cross(doc: DocumentObject, report: dict[str, Any], t: Translate) -> None:
    cross = report["cross"]
    heading = doc.add_heading(t(N_("Across viewpoints")), level=1)
    heading.paragraph_format.page_break_before = True
    for key, title in (
        ("shared", N_("Raised by several viewpoints")),
        ("single", N_("Raised by one viewpoint")),
    ):
        doc.add_heading(t(title), level=2)
        for row in cross[key]:
            doc.add_paragraph(f"{row['title']} ({', '.join(row['raised_by'])})", "List Bullet")
        if not cross[key]:
            doc.add_paragraph(t(N_("None.")))
    doc.add_heading(t(N_("Ranked very differently")), level=2)
    if cross["divergent"]:
        names = list(cross["divergent"][0]["ranks"])
        doc.add_paragraph(t(N_("Place in each viewpoint's own ranking (its dots in brackets).")))
        rows = [
            [row["title"], *(f"{row['ranks'][n]} ({row['dots_by_viewpoint'][n]})" for n in names)]
            for row in cross["divergent"]
        ]
        table(doc, [t(N_("Cluster or note")), *names], rows)
    else:
        doc.add_paragraph(t(N_("None.")))
    if cross["disputed"]:
        doc.add_heading(t(N_("Risk ratings far apart")), level=2)
        for row in cross["disputed"]:
            _bullet(doc).add_run(row["title"])


def _timeline(doc: DocumentObject, report: dict[str, Any], t: Translate, lang: str) -> None:
    doc.add_heading(t(N_("Timeline")), level=1)
    rows = timeline_rows(report, lang)
    head = [t(N_("Phase")), t(N_("Started")), t(N_("Ended")), t(N_("Minutes"))]
    table(doc, [*head, t(N_("Planned minutes"))], rows)


def _appendix(doc: DocumentObject, report: dict[str, Any], t: Translate) -> None:
    heading = doc.add_heading(t(N_("Appendix: all notes")), level=1)
    heading.paragraph_format.page_break_before = True
    rows = [
        [
            str(note["number"]),
            note["time"],
            note["viewpoint"],
            note["kind_label"],
            note["author"],
            note["text"],
            note["cluster"] or "",
        ]
        for note in report["appendix"]
    ]
    head = [t(N_("No.")), t(N_("Time")), t(N_("Viewpoint")), t(N_("Kind")), t(N_("Author"))]
    table(doc, [*head, t(N_("Note")), t(N_("In cluster"))], rows)
