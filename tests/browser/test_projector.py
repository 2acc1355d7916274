"""The projector and the group screens: join code and live counts, the live wall, no controls.

Phones are driven with the Python protocol client (``workshop.client``), the facilitator too;
only the projector is a real browser at 1920×1080. Set WORKSHOP_SCREENSHOTS=docs/screenshots
to refresh the projector screenshots of the README.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.browser.conftest import WALL as BEAMER
from tests.support.processes import REPO, LiveServer
from workshop.client import WorkshopClient, new_note_id
from workshop.realtime import names

DEMO_PLAN = REPO / "sessions" / "denktank-cloudstrategie.yaml"
CONTROLS = "button, input, select, textarea, form, [contenteditable]"
NOTES = [
    "Vendor lock-in: overstappen naar een andere leverancier wordt duur",
    "Privacy van burgergegevens buiten Nederland",
    "Regie op de leverancier vraagt nieuwe kennis",
    "SLA's sluiten niet aan op gemeentelijke processen",
    "Wetgeving loopt achter op de techniek (AVG, Archiefwet)",
    "Big-bang migratie zonder terugvaloptie",
    "Kosten worden voorspelbaarder, niet per se lager",
    "Beheerders worden regisseurs",
    "Storing in de internetverbinding legt de dienstverlening stil",
    "Exit-strategie al bij de aanbesteding regelen",
    "Gezamenlijk inkopen geeft meer onderhandelingsmacht",
    "Koppelingen met landelijke voorzieningen worden lastiger",
    "Wie is verantwoordelijk bij een datalek?",
    "Licenties worden abonnementen",
    "Leverancier failliet: wat gebeurt er met onze gegevens?",
    "Certificering (ISO 27001, BIO) wordt een contracteis",
    "Updates komen sneller, maar niet op ons moment",
    "Data-eigenaarschap expliciet in het contract",
    "Kleine gemeenten missen capaciteit voor contractbeheer",
    "Concentratie bij een paar grote Amerikaanse partijen",
    "Plaats- en tijdonafhankelijk werken wordt makkelijker",
    "Archiveren en vernietigen volgens de selectielijst",
    "Prijsstijgingen na de eerste contractperiode",
    "Minder eigen hardware, lagere beheerlast",
]
QUALIFIERS = [" — vooral voor kleine gemeenten", " (ook in de keten)"]


def note_text(index: int, offset: int = 0) -> str:
    """Distinct, realistic note texts; ``offset`` varies them between viewpoints."""
    rounds = index // len(NOTES)
    qualifier = QUALIFIERS[(index + rounds) % 2] if rounds else ""
    return NOTES[(index + offset) % len(NOTES)] + qualifier


@dataclass
class Workshop:
    """A fresh workshop from the demo plan, its links, and the facilitator's protocol client."""

    server: LiveServer
    info: dict[str, Any]
    facilitator: WorkshopClient
    phones: dict[str, list[WorkshopClient]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def viewpoint_id(self, slug: str) -> int:
        for viewpoint in self.facilitator.snapshot["viewpoints"]:
            if viewpoint["slug"] == slug:
                return int(viewpoint["id"])
        raise KeyError(slug)

    def join(self, slug: str, connect: bool = True) -> WorkshopClient:
        phone = WorkshopClient.join(self.server.url, self.info["join_code"], viewpoint=slug)
        if connect:
            phone.connect()
        self.phones.setdefault(slug, []).append(phone)
        return phone

    def command(self, name: str, **payload: Any) -> None:
        ack = self.facilitator.send(name, payload)
        assert ack.get("ok"), ack

    def post(self, slug: str, text: str, kind: str = "risk") -> None:
        phones = self.phones.get(slug) or [self.join(slug)]
        ack = phones[0].send(names.NOTE_ADD, {"note_id": new_note_id(), "kind": kind, "text": text})
        assert ack.get("ok"), ack

    def projector(
        self, browser: Browser, viewpoint: str | None = None
    ) -> tuple[BrowserContext, Page]:
        context = browser.new_context(**BEAMER)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        url = self.info["projector_url"] + "&lang=en"
        if viewpoint:
            url += f"&viewpoint={viewpoint}"
        page.goto(url)
        return context, page

    def close(self) -> None:
        assert not self.errors, self.errors
        for phones in self.phones.values():
            for phone in phones:
                phone.close()
        self.facilitator.close()


def _new_workshop(server: LiveServer, tmp_path: Path, hidden_until_share: bool) -> Workshop:
    plan = tmp_path / "plan.yaml"
    text = DEMO_PLAN.read_text(encoding="utf-8")
    if not hidden_until_share:
        text = text.replace("hidden_until_share: true", "hidden_until_share: false")
    plan.write_text(text, encoding="utf-8")
    email = "projector@denktank.local"
    created = server.cli("new", str(plan), "--facilitator", email, "--json")
    assert created.returncode == 0, created.stderr
    info = json.loads(created.stdout)
    link = server.cli("facilitator", "link", email)
    assert link.returncode == 0, link.stderr
    facilitator = WorkshopClient.facilitator(server.url, link.stdout.strip(), int(info["id"]))
    return Workshop(server, info, facilitator.connect())


@pytest.fixture
def open_workshop(live_server: LiveServer, tmp_path: Path) -> Iterator[Workshop]:
    """Notes are readable on the wall during the brainstorm."""
    workshop = _new_workshop(live_server, tmp_path, hidden_until_share=False)
    yield workshop
    workshop.close()


@pytest.fixture
def hidden_workshop(live_server: LiveServer, tmp_path: Path) -> Iterator[Workshop]:
    """The demo's setting: each group sees only its own notes until the share phase."""
    workshop = _new_workshop(live_server, tmp_path, hidden_until_share=True)
    yield workshop
    workshop.close()


def column(page: Page, slug: str) -> Locator:
    return page.locator(f'.pj-col[data-viewpoint-slug="{slug}"]')


def lobby_viewpoint(page: Page, slug: str) -> Locator:
    return page.locator(f'.pj-lobby__vp[data-viewpoint-slug="{slug}"]')


def assert_no_controls(page: Page) -> None:
    assert page.locator(CONTROLS).count() == 0, page.locator(CONTROLS).first.evaluate(
        "e => e.outerHTML"
    )


def test_lobby_shows_the_join_code_and_counts_that_follow_the_phones(
    browser: Browser, open_workshop: Workshop, shots: Path
) -> None:
    room = open_workshop
    context, page = room.projector(browser)
    code = room.info["join_code"]

    expect(page.locator(".pj-lobby svg.qr")).to_be_visible()
    expect(page.locator(".pj-lobby__code")).to_have_text(code)
    expect(page.locator(".pj-lobby__url")).to_contain_text(f"/j/{code}")
    expect(page.locator("#pj-joined")).to_have_text("Waiting for the first participants…")
    lobby_row = lobby_viewpoint(page, "gemeenten")
    expect(lobby_row).to_contain_text("0 people")

    for slug, count in (("gemeenten", 4), ("shared-service", 2), ("leveranciers", 3)):
        for _ in range(count):
            room.join(slug, connect=False)
    expect(page.locator("#pj-joined")).to_have_text("9 people have joined")
    expect(lobby_row).to_contain_text("4 people")
    expect(lobby_viewpoint(page, "leveranciers")).to_contain_text("3 people")
    expect(lobby_viewpoint(page, "shared-service")).to_contain_text("2 people")

    # Locking the door hides the way in.
    room.command(names.JOINING_SET, locked=True)
    expect(page.locator("#pj-lobby-locked")).to_be_visible()
    room.command(names.JOINING_SET, locked=False)
    expect(page.locator("#pj-lobby-locked")).to_be_hidden()

    assert_no_controls(page)
    page.mouse.move(5, 5)  # the pointer hides after 3 s without movement; keep the shot clean
    page.wait_for_timeout(700)  # the counts' bump
    page.screenshot(path=str(shots / "projector-lobby.png"))
    context.close()


def test_notes_appear_live_in_their_own_column_exactly_once(
    browser: Browser, open_workshop: Workshop, shots: Path
) -> None:
    room = open_workshop
    context, page = room.projector(browser)
    expect(page.locator(".pj-lobby svg.qr")).to_be_visible()
    for slug in ("gemeenten", "shared-service", "leveranciers"):
        room.join(slug)

    room.command(names.PHASE_SET, phase="brainstorm")
    expect(page.locator("#pj-phase")).to_have_text("Brainstorm")
    expect(page.locator(".pj-col")).to_have_count(3)
    expect(page.locator(".pj-bar__code")).to_have_text(room.info["join_code"])
    expect(column(page, "gemeenten")).to_contain_text("No notes yet")

    room.post("gemeenten", "Vendor lock-in bij de grote drie")
    room.post("leveranciers", "Multi-tenant maken kost veel", kind="consequence")
    gemeenten, leveranciers = column(page, "gemeenten"), column(page, "leveranciers")
    expect(
        gemeenten.locator(".pj-note", has_text="Vendor lock-in bij de grote drie")
    ).to_have_count(1)
    expect(leveranciers.locator(".pj-note", has_text="Multi-tenant maken kost veel")).to_have_count(
        1
    )
    expect(page.locator(".pj-note", has_text="Vendor lock-in bij de grote drie")).to_have_count(1)
    expect(page.locator(".pj-note", has_text="Multi-tenant maken kost veel")).to_have_count(1)
    # The kind is a word, not only a colour.
    expect(leveranciers.locator(".pj-note__kind").first).to_have_text("Gevolg")
    expect(gemeenten.locator(".pj-col__count")).to_have_text("1 note")

    # Edits and deletions follow; a reload shows the same wall.
    phone = room.phones["gemeenten"][0]
    note_id = next(iter(phone.notes))
    assert phone.send(names.NOTE_EDIT, {"note_id": note_id, "text": "Lock-in (bewerkt)"})["ok"]
    expect(gemeenten.locator(".pj-note")).to_have_text(re.compile("Lock-in \\(bewerkt\\)"))
    page.reload()
    expect(page.locator(".pj-note")).to_have_count(2)
    assert phone.send(names.NOTE_DELETE, {"note_id": note_id})["ok"]
    expect(gemeenten.locator(".pj-note")).to_have_count(0)

    # The timer counts down on the wall; paused is said in words.
    room.command(names.TIMER_START, duration_s=600)
    expect(page.locator("#pj-timer-time")).to_have_text(re.compile(r"^(10:00|09:5\d)$"))
    room.command(names.TIMER_PAUSE)
    expect(page.locator("#pj-timer-label")).to_have_text("Paused")

    # About 15 notes per column: the wall of projector-wall.png.
    for offset, slug in enumerate(("gemeenten", "shared-service", "leveranciers")):
        for index in range(15):
            kind = "risk" if index % 3 else "consequence"
            room.post(slug, note_text(index, offset * 7), kind=kind)
    for slug in ("gemeenten", "shared-service", "leveranciers"):
        expect(column(page, slug).locator(".pj-note")).to_have_count(15 + (slug == "leveranciers"))
    room.command(names.TIMER_START)  # resume
    assert_no_controls(page)
    page.mouse.move(5, 5)
    page.wait_for_timeout(3800)  # let the arrival glow fade
    page.screenshot(path=str(shots / "projector-wall.png"))

    # Share: a spotlight makes one column large and folds the others to name and count.
    room.command(names.PHASE_SET, phase="share")
    room.command(names.SPOTLIGHT_SET, viewpoint_id=room.viewpoint_id("leveranciers"))
    expect(column(page, "leveranciers")).to_have_class(re.compile("is-spotlit"))
    expect(gemeenten).to_have_class(re.compile("is-collapsed"))
    expect(gemeenten.locator(".pj-col__count")).to_have_text("15 notes")
    room.command(names.SPOTLIGHT_SET, viewpoint_id=None)
    expect(gemeenten).not_to_have_class(re.compile("is-collapsed"))

    room.command(names.PHASE_SET, phase="closed")
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    assert_no_controls(page)
    context.close()


def test_a_full_wall_stays_legible_and_pages_through_the_notes(
    browser: Browser, open_workshop: Workshop, shots: Path
) -> None:
    room = open_workshop
    room.command(names.PHASE_SET, phase="brainstorm")
    for offset, slug in enumerate(("gemeenten", "shared-service", "leveranciers")):
        for index in range(64):
            kind = "risk" if index % 3 else "consequence"
            room.post(slug, note_text(index, offset * 5), kind=kind)
    room.command(names.TIMER_START, duration_s=45)

    context, page = room.projector(browser)
    for slug in ("gemeenten", "shared-service", "leveranciers"):
        expect(column(page, slug).locator(".pj-col__count")).to_have_text("64 notes")
        expect(column(page, slug).locator(".pj-note")).to_have_count(64)
    # Never below 20 px at 1920×1080; the rest is on further pages that cycle by themselves.
    sizes = page.locator(".pj-note__text").evaluate_all(
        "nodes => nodes.map(n => parseFloat(getComputedStyle(n).fontSize))"
    )
    assert min(sizes) >= 19.9, min(sizes)
    pager = column(page, "gemeenten").locator(".pj-pager__text")
    expect(pager).to_have_text(re.compile(r"^page 1/\d+$"))
    # Only the notes of the current page are inside the column.
    box = column(page, "gemeenten").locator(".pj-col__viewport").bounding_box()
    assert box is not None
    inside = (
        column(page, "gemeenten")
        .locator(".pj-note")
        .evaluate_all(
            """(nodes, box) => nodes.filter(n => {
            const r = n.getBoundingClientRect();
            return r.left >= box.x - 1 && r.right <= box.x + box.width + 1;
        }).length""",
            box,
        )
    )
    assert 4 <= inside < 64, inside
    expect(page.locator("#pj-timer")).to_have_attribute("data-state", "last-minute")
    expect(page.locator("#pj-timer-label")).to_have_text("Last minute")
    page.mouse.move(5, 5)
    page.screenshot(path=str(shots / "projector-wall-full.png"))
    expect(pager).to_have_text(re.compile(r"^page 2/\d+$"), timeout=10_000)
    context.close()


def test_group_screen_shows_only_its_viewpoint_and_the_wall_only_counts(
    browser: Browser, hidden_workshop: Workshop, shots: Path
) -> None:
    room = hidden_workshop
    group_context, group = room.projector(browser, viewpoint="gemeenten")
    expect(group.locator("#pj-group-name")).to_have_text("Gemeenten")
    expect(group.locator(".pj-lobby svg.qr")).to_be_visible()
    wall_context, wall = room.projector(browser)

    room.command(names.PHASE_SET, phase="brainstorm")
    for index, text in enumerate(NOTES[:12]):
        room.post("gemeenten", text, kind="risk" if index % 3 else "consequence")
    room.post("leveranciers", "Alleen voor de leveranciers")
    room.post("leveranciers", "Nog een van de leveranciers")

    expect(group.locator(".pj-col")).to_have_count(1)
    expect(column(group, "gemeenten").locator(".pj-note")).to_have_count(12)
    expect(group.locator(".pj-note", has_text=NOTES[0])).to_have_count(1)
    expect(group.get_by_text("Alleen voor de leveranciers")).to_have_count(0)
    expect(group.locator(".pj-col__question")).to_contain_text("Gemeenten?")

    # Hidden until sharing: the wall shows how many, never what.
    expect(column(wall, "gemeenten").locator(".pj-hidden__text")).to_have_text(
        "12 notes — shown when sharing"
    )
    expect(column(wall, "leveranciers").locator(".pj-hidden__text")).to_have_text(
        "2 notes — shown when sharing"
    )
    expect(wall.get_by_text(NOTES[0])).to_have_count(0)
    assert_no_controls(group)
    group.mouse.move(5, 5)
    group.wait_for_timeout(3500)  # let the arrival glow fade
    group.screenshot(path=str(shots / "projector-group.png"))

    # Sharing reveals them on the wall.
    room.command(names.PHASE_SET, phase="share")
    expect(column(wall, "leveranciers").locator(".pj-note")).to_have_count(2)
    expect(wall.locator(".pj-note", has_text=NOTES[0])).to_have_count(1)
    expect(column(group, "gemeenten").locator(".pj-note")).to_have_count(12)
    expect(group.locator(".pj-col")).to_have_count(1)

    assert_no_controls(group)
    assert_no_controls(wall)
    group_context.close()
    wall_context.close()
