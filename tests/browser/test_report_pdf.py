"""The report page printed to PDF by Chromium: A4 pages, each viewpoint on a page of its own,
every note there, no page furniture from the screen.

Set WORKSHOP_SCREENSHOTS=docs/screenshots to refresh report.png.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from pypdf import PdfReader

from tests.browser.conftest import CONSOLE
from tests.support import demo_session
from tests.support.factories import Factory
from tests.support.processes import LiveServer
from workshop import db as db_module
from workshop import facilitators

A4 = (595, 842)  # points, give or take rounding


def _words(text: str) -> str:
    return " ".join(text.split())


def _compact(text: str) -> str:
    """Without any white space: a note wrapped after a hyphen ("ICT- omgeving") still matches."""
    return "".join(text.split())


def _demo(
    live_server: LiveServer,
) -> tuple[str, str, list[tuple[str, str, str]], dict[str, list[str]]]:
    """The demo session run to its results in the server's own database: a login link for its
    owner, the report's address, the viewpoints (name, question, slug) and the notes' texts."""
    engine = db_module.make_engine(live_server.env["WORKSHOP_DATABASE_URL"])
    try:
        with db_module.make_sessionmaker(engine)() as db:
            demo = demo_session.build(db, Factory(db))
            token = facilitators.issue_login_token(db, demo.owner)
            db.commit()
            viewpoints = [
                (vp.name, vp.question, vp.slug)
                for vp in sorted(demo.workshop.viewpoints, key=lambda vp: vp.position)
            ]
            report = f"{live_server.url}/console/workshops/{demo.workshop.id}/report"
    finally:
        engine.dispose()
    return f"{live_server.url}/login/{token}", report, viewpoints, demo.texts


@pytest.mark.timeout(120)
def test_report_prints_to_a_clean_a4_pdf(
    browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    login, report, viewpoints, texts = _demo(live_server)
    page = browser.new_context(**CONSOLE).new_page()
    page.goto(login)
    page.goto(report)
    expect(page.get_by_role("heading", level=1)).to_have_text("Cloudstrategie voor gemeenten")
    expect(page.locator("#report-print")).to_be_visible()
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    reader = PdfReader(pdf)
    pages = [_words(p.extract_text()) for p in reader.pages]
    # 46 notes, three viewpoints, figures and an appendix: a real document, not a dump.
    assert 10 <= len(pages) <= 24, len(pages)
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert abs(width - A4[0]) < 2 and abs(height - A4[1]) < 2
    everything = " ".join(pages)
    # No screen furniture in print: no menu, no buttons, no downloads.
    for chrome in ("Mijn workshops", "Uitloggen", "Word (.docx)", "JSON", "PDF"):
        assert chrome not in everything, chrome
    assert "Cloudstrategie voor gemeenten" in pages[0][:60]

    # Each viewpoint starts a page: its name near the top, its question right below.
    starts = []
    for name, question, _slug in viewpoints:
        found = [
            n
            for n, text in enumerate(pages)
            if _words(name) in text[:160] and _words(question)[:60] in text
        ]
        assert found, name
        starts.append(found[0])
    assert starts == sorted(starts) and len(set(starts)) == 3
    # Every note verbatim in its viewpoint's pages, and again in the appendix.
    cross = next(n for n, text in enumerate(pages) if "Over de gezichtspunten heen" in text[:80])
    assert cross > starts[-1]
    for (_name, _question, slug), start, end in zip(
        viewpoints, starts, [*starts[1:], cross], strict=True
    ):
        section = _compact(" ".join(pages[start:end]))
        for note in texts[slug]:
            assert _compact(note) in section, note
    appendix_start = next(n for n, text in enumerate(pages) if "Bijlage: alle notities" in text)
    appendix = _compact(" ".join(pages[appendix_start:]))
    for notes in texts.values():
        for note in notes:
            assert _compact(note) in appendix, note
    # The figures came along as vectors (text inside the SVG is extractable).
    assert "Risicomatrix" in everything and "Kans →" in everything

    # The screenshot: an A4-shaped window, the page's own words in English (?lang=en).
    wanted = os.environ.get("WORKSHOP_SCREENSHOTS")
    if wanted:
        page.set_viewport_size({"width": 1000, "height": 1414})
        page.goto(report + "?lang=en")
        expect(page.get_by_role("heading", name="Participation")).to_be_visible()
        page.screenshot(path=str(Path(wanted) / "report.png"))
