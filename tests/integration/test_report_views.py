"""The report page and its downloads over HTTP: owner only, every note once, names on request."""

from __future__ import annotations

import io
import json
import re
import zipfile

import docx
import openpyxl
import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy.orm import Session

from tests.integration.test_console import login
from tests.support.exports import HIDDEN, PEOPLE, Built, build, visible_texts
from tests.support.factories import Factory
from tests.support.html import text_of
from workshop.export.archive import SCHEMA_VERSION
from workshop.models import Facilitator

NAMES = [name for name, _slug in PEOPLE]
STEM = "cloud-strategy-2015-06-13"
TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "application/zip",
    "json": "application/json",
    "md": "text/markdown",
}
FILENAMES = {
    "docx": f"{STEM}.docx",
    "xlsx": f"{STEM}.xlsx",
    "csv": f"{STEM}-tables.zip",
    "json": f"{STEM}.json",
    "md": f"{STEM}.md",
}


def _as_owner(client: FlaskClient, db: Session, factory: Factory, **options: object) -> Built:
    built = build(db, factory, **options)  # type: ignore[arg-type]
    owner = db.get(Facilitator, built.workshop.owner_id)
    assert owner is not None
    login(client, db, owner)
    return built


def _sections(html: str) -> list[str]:
    """The HTML of each viewpoint's section, in order."""
    body = html.split('class="rsec rsec--cross"')[0]
    return body.split('class="rsec rsec--viewpoint"')[1:]


def test_owner_sees_the_whole_report(client: FlaskClient, db: Session, factory: Factory) -> None:
    built = _as_owner(client, db, factory)
    response = client.get(f"/console/workshops/{built.workshop.id}/report")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    headings = [text_of_tag(h) for h in re.findall(r"<h2\b[^>]*>(.*?)</h2>", html, re.S)]
    assert headings == [
        "Participation",
        "Ranking",
        "Risk matrix",
        "Municipalities",
        "Shared service",
        "Suppliers",
        "Across viewpoints",
        "Timeline",
        "Appendix: all notes",
    ]
    assert re.search(r"<h1>Cloud strategy</h1>", html)
    page = text_of(response)
    for fact in ("June 13, 2015", "Soesterberg", "Consequences and risks of the cloud"):
        assert fact in page
    sections = _sections(html)
    assert len(sections) == 3
    assert "What follows for municipalities?" in sections[0]
    assert re.search(r"<h3 [^>]*><span class=\"rcluster__rank\">1\.</span> Privacy</h3>", html)
    joined = "".join(sections)
    appendix = html.split('class="rsec rsec--appendix"')[1]
    for note in visible_texts():
        assert joined.count(str(escape(note))) == 1, note
        assert appendix.count(str(escape(note))) == 1, note
    assert "Risk" in sections[0] and "rnote__kind" in sections[0]  # kinds in words
    assert HIDDEN not in html
    assert not any(name in html for name in NAMES)
    # The figures are inline SVG; nothing comes from another host.
    assert html.count('class="rfig__svg') == 2
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)


def text_of_tag(fragment: str) -> str:
    """A heading's text without its markup."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", fragment)).strip()


def test_names_appear_only_with_the_toggle(
    client: FlaskClient, db: Session, factory: Factory
) -> None:
    built = _as_owner(client, db, factory)
    url = f"/console/workshops/{built.workshop.id}/report"
    anonymous = client.get(url).get_data(as_text=True)
    assert "Include names" in anonymous and f'href="{url}?names=1"' in anonymous
    assert not any(name in anonymous for name in NAMES)
    named = client.get(url + "?names=1").get_data(as_text=True)
    assert all(name in named for name in NAMES)
    assert "Leave names out" in named
    assert "/export.docx?names=1" in named


def test_no_names_when_none_were_recorded(
    client: FlaskClient, db: Session, factory: Factory
) -> None:
    built = _as_owner(client, db, factory, anonymous=True)
    url = f"/console/workshops/{built.workshop.id}"
    page = client.get(url + "/report?names=1").get_data(as_text=True)
    assert "Include names" not in page
    assert not any(name in page for name in NAMES)
    archive = client.get(url + "/export.json?names=1").get_data(as_text=True)
    assert not any(name in archive for name in NAMES)


@pytest.mark.parametrize("fmt", ["report", *TYPES])
def test_other_facilitators_and_visitors_are_refused(
    client: FlaskClient, db: Session, factory: Factory, fmt: str
) -> None:
    built = build(db, factory)
    path = f"/console/workshops/{built.workshop.id}/" + (
        "report" if fmt == "report" else f"export.{fmt}"
    )
    anonymous = client.get(path)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    login(client, db, factory.facilitator())
    assert client.get(path).status_code == 404
    assert client.get(f"/console/workshops/{built.workshop.id + 99}/report").status_code == 404


def test_unknown_format_is_not_found(client: FlaskClient, db: Session, factory: Factory) -> None:
    built = _as_owner(client, db, factory)
    assert client.get(f"/console/workshops/{built.workshop.id}/export.pdf").status_code == 404


def test_every_download_has_its_type_and_opens(
    client: FlaskClient, db: Session, factory: Factory
) -> None:
    built = _as_owner(client, db, factory)
    base = f"/console/workshops/{built.workshop.id}/export."
    files = {}
    for fmt, mimetype in TYPES.items():
        response = client.get(base + fmt)
        assert response.status_code == 200, fmt
        assert response.mimetype == mimetype
        disposition = response.headers["Content-Disposition"]
        assert disposition == f'attachment; filename="{FILENAMES[fmt]}"'
        assert response.headers["Cache-Control"] == "no-store"
        files[fmt] = response.data
    document = docx.Document(io.BytesIO(files["docx"]))
    assert document.paragraphs[0].text == "Cloud strategy"
    assert any(p.text == "Appendix: all notes" for p in document.paragraphs)
    book = openpyxl.load_workbook(io.BytesIO(files["xlsx"]))
    assert {"Notes", "Clusters", "Risk register", "Timeline"} <= set(book.sheetnames)
    with zipfile.ZipFile(io.BytesIO(files["csv"])) as tables:
        names = tables.namelist()
        assert any(name.endswith(".csv") for name in names)
        assert tables.read(names[0]).startswith("\ufeff".encode())
    archive = json.loads(files["json"])
    assert archive["workshop"]["title"] == "Cloud strategy"
    assert archive["schema_version"] == SCHEMA_VERSION
    text = files["md"].decode("utf-8")
    assert text.startswith("# Cloud strategy\n")
    for data in files.values():
        assert not any(name.encode() in data for name in NAMES)


def test_downloads_name_people_only_when_asked(
    client: FlaskClient, db: Session, factory: Factory
) -> None:
    built = _as_owner(client, db, factory)
    response = client.get(f"/console/workshops/{built.workshop.id}/export.md?names=1")
    assert "-names.md" in response.headers["Content-Disposition"]
    assert "Anna Jansen" in response.get_data(as_text=True)


def test_report_speaks_the_workshops_language(
    client: FlaskClient, db: Session, factory: Factory
) -> None:
    built = _as_owner(client, db, factory, language="nl")
    url = f"/console/workshops/{built.workshop.id}/report"
    dutch = text_of(client.get(url))
    assert "Deelname" in dutch and "Bijlage: alle notities" in dutch
    english = client.get(url + "?lang=en").get_data(as_text=True)
    assert "Appendix: all notes" in english and 'lang="en"' in english
    assert "/export.docx?lang=en" in english


def test_console_links_to_the_report(client: FlaskClient, db: Session, factory: Factory) -> None:
    built = _as_owner(client, db, factory)
    report = f"/console/workshops/{built.workshop.id}/report"
    assert f'href="{report}"' in client.get(f"/console/workshops/{built.workshop.id}").text
    assert f'href="{report}"' in client.get("/console/").text
