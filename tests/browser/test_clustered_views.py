"""The clustered board on the projector and on a phone, and +1 instead of a near-duplicate.

The notes come from the demo data (``../shared/data/demo-notes.csv``), posted by phones driven
with the Python protocol client; the facilitator clusters them with its Python client. The
projector (1920×1080) and one phone (390×844) are real browsers. Set
WORKSHOP_SCREENSHOTS=docs/screenshots to refresh projector-clusters.png, phone-clusters.png and
phone-similar-hint.png.
"""

from __future__ import annotations

import csv
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.browser.conftest import DEMO_NOTES, PHONE
from tests.browser.conftest import WALL as BEAMER
from tests.support.processes import REPO, LiveServer
from workshop.client import WorkshopClient, new_note_id
from workshop.realtime import names

DEMO_PLAN = REPO / "sessions" / "denktank-cloudstrategie.yaml"
CONTROLS = "button, input, select, textarea, form, [contenteditable]"
# Left unclustered, so the projector shows its strip of "not yet clustered" notes.
LEFT_OVER = ("d42", "d43", "d44", "d45", "d46")


@dataclass
class DemoNote:
    key: str
    viewpoint: str
    kind: str
    text: str
    theme: str
    note_id: str = field(default_factory=new_note_id)


def demo_notes() -> list[DemoNote]:
    if not DEMO_NOTES.exists():
        pytest.skip(f"demo notes not found at {DEMO_NOTES}")
    with DEMO_NOTES.open(encoding="utf-8") as handle:
        return [
            DemoNote(row["id"], row["viewpoint"], row["kind"], row["text"], row["cluster"])
            for row in csv.DictReader(handle)
        ]


@dataclass
class Room:
    """A fresh workshop from the demo plan, its links, the facilitator and the phones."""

    server: LiveServer
    info: dict[str, Any]
    facilitator: WorkshopClient
    notes: dict[str, DemoNote]
    phones: dict[str, WorkshopClient] = field(default_factory=dict)
    contexts: list[BrowserContext] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    clusters: dict[str, str] = field(default_factory=dict)  # theme → cluster id

    def command(self, name: str, **payload: Any) -> dict[str, Any]:
        ack = self.facilitator.send(name, payload)
        assert ack.get("ok"), ack
        return ack

    def phone(self, slug: str) -> WorkshopClient:
        if slug not in self.phones:
            self.phones[slug] = WorkshopClient.join(
                self.server.url, self.info["join_code"], viewpoint=slug
            ).connect()
        return self.phones[slug]

    def post(self, note: DemoNote) -> None:
        payload = {"note_id": note.note_id, "kind": note.kind, "text": note.text}
        ack = self.phone(note.viewpoint).send(names.NOTE_ADD, payload)
        assert ack.get("ok"), ack

    def cluster(self, theme: str, keys: list[str]) -> str:
        cluster_id = str(uuid.uuid4())
        note_ids = [self.notes[key].note_id for key in keys]
        title = theme.capitalize()
        self.command(names.CLUSTER_CREATE, cluster_id=cluster_id, title=title, note_ids=note_ids)
        self.clusters[theme] = cluster_id
        return cluster_id

    def cluster_by_theme(self, skip: tuple[str, ...] = ()) -> dict[str, list[str]]:
        themes: dict[str, list[str]] = {}
        for note in self.notes.values():
            if note.key not in skip:
                themes.setdefault(note.theme, []).append(note.key)
        for theme, keys in themes.items():
            self.cluster(theme, keys)
        return themes

    def page(self, browser: Browser, url: str, **options: Any) -> Page:
        context = browser.new_context(**options)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.goto(url)
        return page

    def fresh_facilitator_notes(self) -> dict[str, dict[str, Any]]:
        """The facilitator's notes from a fresh snapshot (with cluster ids and +1 counts)."""
        self.facilitator.seq = 0
        self.facilitator.sync()
        return self.facilitator.notes

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        for phone in self.phones.values():
            phone.close()
        self.facilitator.close()
        assert not self.errors, self.errors


@pytest.fixture
def room(live_server: LiveServer, tmp_path: Path) -> Iterator[Room]:
    plan = tmp_path / "plan.yaml"
    plan.write_text(DEMO_PLAN.read_text(encoding="utf-8"), encoding="utf-8")
    email = "clusters@denktank.local"
    created = live_server.cli("new", str(plan), "--facilitator", email, "--json")
    assert created.returncode == 0, created.stderr
    info = json.loads(created.stdout)
    link = live_server.cli("facilitator", "link", email)
    assert link.returncode == 0, link.stderr
    facilitator = WorkshopClient.facilitator(live_server.url, link.stdout.strip(), int(info["id"]))
    notes = {note.key: note for note in demo_notes()}
    instance = Room(live_server, info, facilitator.connect(), notes)
    yield instance
    instance.close()


def card(page: Page, title: str) -> Locator:
    return page.locator(".pj-cluster", has=page.locator(".pj-cluster__title", has_text=title))


def strip_column(page: Page, slug: str) -> Locator:
    return page.locator(f'.pj-col[data-viewpoint-slug="{slug}"]')


def texts(room: Room, *keys: str) -> list[str]:
    return [room.notes[key].text for key in keys]


def test_projector_shows_the_clusters_live_with_their_viewpoints(
    browser: Browser, room: Room, shots: Path
) -> None:
    wall = room.page(browser, room.info["projector_url"] + "&lang=en", **BEAMER)
    room.command(names.PHASE_SET, phase="brainstorm")
    for note in room.notes.values():
        room.post(note)
    room.command(names.PHASE_SET, phase="share")
    room.command(names.PHASE_SET, phase="cluster")
    expect(wall.locator("#pj-phase")).to_have_text("Cluster")
    # No clusters yet: the wall of notes per viewpoint, as before.
    expect(wall.locator(".pj-col")).to_have_count(3)
    expect(wall.locator(".pj-cluster")).to_have_count(0)

    themes = room.cluster_by_theme(skip=LEFT_OVER)
    expect(wall.locator(".pj-cluster")).to_have_count(len(themes))
    privacy = card(wall, "Privacy")
    expect(privacy.locator(".pj-cnote__text")).to_have_text(texts(room, "d01", "d02", "d03", "d04"))
    expect(privacy.locator(".pj-cluster__count")).to_have_text("4 notes")
    # Which viewpoints raised it: names with shapes and colours, never colour alone.
    expect(privacy.locator(".pj-badge")).to_have_text(
        ["Gemeenten", "Shared Service Organisatie", "Leveranciers"]
    )
    expect(privacy.locator(".pj-cluster__vps")).to_have_attribute(
        "aria-label", re.compile("Gemeenten, Shared Service .*, Leveranciers")
    )
    expect(card(wall, "Personeel").locator(".pj-badge")).to_have_text(
        ["Gemeenten", "Shared Service Organisatie"]
    )
    # The rest waits in a calmer strip, counted per viewpoint.
    expect(strip_column(wall, "leveranciers").locator(".pj-col__count")).to_have_text(
        "4 not yet clustered"
    )
    expect(strip_column(wall, "shared-service").locator(".pj-note")).to_have_count(1)
    expect(strip_column(wall, "gemeenten").locator(".pj-col__empty")).to_have_text("All clustered")
    expect(wall.locator(".pj-note", has_text=room.notes["d01"].text)).to_have_count(0)
    assert wall.locator(CONTROLS).count() == 0
    wall.mouse.move(5, 5)
    wall.wait_for_timeout(1200)  # let the cards settle for the screenshot
    wall.screenshot(path=str(shots / "projector-clusters.png"))

    # Rename, move, dissolve: the wall follows each at once.
    room.command(names.CLUSTER_RENAME, cluster_id=room.clusters["regie"], title="Regie en SLA's")
    expect(card(wall, "Regie en SLA's")).to_have_count(1)
    moved = room.notes["d11"]
    stored = room.fresh_facilitator_notes()
    between = (
        stored[room.notes["d01"].note_id]["position"]
        + stored[room.notes["d02"].note_id]["position"]
    ) / 2
    room.command(
        names.NOTES_MOVE,
        moves=[
            {"note_id": moved.note_id, "cluster_id": room.clusters["privacy"], "position": between}
        ],
    )
    expect(privacy.locator(".pj-cnote__text")).to_have_text(
        [room.notes["d01"].text, moved.text, *texts(room, "d02", "d03", "d04")]
    )
    expect(card(wall, "Lock-in").locator(".pj-cnote", has_text=moved.text)).to_have_count(0)
    room.command(names.CLUSTER_DISSOLVE, cluster_id=room.clusters["kosten"])
    expect(card(wall, "Kosten")).to_have_count(0)
    expect(strip_column(wall, "gemeenten").locator(".pj-note")).to_have_count(2)
    expect(strip_column(wall, "gemeenten")).to_contain_text(room.notes["d13"].text)
    # A cluster whose notes all moved out is not shown.
    personeel = [room.notes[key].note_id for key in themes["personeel"]]
    room.command(
        names.NOTES_MOVE,
        moves=[{"note_id": note_id, "cluster_id": room.clusters["regie"]} for note_id in personeel],
    )
    expect(card(wall, "Personeel")).to_have_count(0)
    expect(card(wall, "Regie en SLA's").locator(".pj-cnote")).to_have_count(8)

    # A group screen shows only the clusters holding its viewpoint's notes.
    group = room.page(
        browser, room.info["projector_url"] + "&lang=en&viewpoint=shared-service", **BEAMER
    )
    expect(card(group, "Privacy")).to_have_count(1)
    expect(card(group, "Standaardisatie")).to_have_count(0)  # only a municipality's note
    expect(card(group, "Lock-in")).to_have_count(0)  # its shared-service note moved away
    expect(group.locator(".pj-badge.is-own")).to_have_count(group.locator(".pj-cluster").count())
    expect(group.locator(".pj-col")).to_have_count(1)
    assert group.locator(CONTROLS).count() == 0

    # A reload draws the same board from a snapshot.
    wall.reload()
    expect(card(wall, "Regie en SLA's").locator(".pj-cnote")).to_have_count(8)
    expect(wall.locator(".pj-cluster")).to_have_count(len(themes) - 2)


def _join(room: Room, browser: Browser, name: str, viewpoint: str) -> Page:
    phone = room.page(browser, room.info["join_url"] + "?lang=en", **PHONE)
    phone.get_by_label("Your name (optional)").fill(name)
    phone.get_by_role("button", name=re.compile("^" + re.escape(viewpoint))).click()
    expect(phone.locator("#group-name")).to_have_text(viewpoint)
    return phone


def _type(phone: Page, text: str) -> None:
    box = phone.get_by_label("Your note")
    box.fill("")
    box.press_sequentially(text, delay=5)


def test_phone_hints_a_near_duplicate_and_reads_the_clustered_board(
    browser: Browser, room: Room, shots: Path
) -> None:
    phone = _join(room, browser, "Anna", "Gemeenten")
    room.command(names.PHASE_SET, phase="brainstorm")
    box = phone.get_by_label("Your note")
    expect(box).to_be_enabled()

    # Anna posts two of the municipalities' notes herself; phones post the rest.
    own = ("d01", "d09")
    for key in own:
        box.fill(room.notes[key].text)
        box.press("Enter")
        expect(box).to_have_value("")
    for note in room.notes.values():
        if note.key not in own:
            room.post(note)
    room.facilitator.wait_for(lambda c: len(c.notes) == len(room.notes))
    own_ids = {
        note["id"] for note in room.facilitator.notes.values() if note.get("author_name") == "Anna"
    }
    assert len(own_ids) == 2
    for key in own:
        room.notes[key].note_id = next(
            i for i in own_ids if room.facilitator.notes[i]["text"] == room.notes[key].text
        )

    # Typing what a colleague already wrote: a hint with a +1, under the textarea.
    hint = phone.locator("#similar")
    _type(phone, "Wie kan er bij de burgergegevens als alles bij een leverancier draait")
    expect(hint).to_contain_text("Similar note already posted")
    expect(hint).to_contain_text(room.notes["d02"].text)
    expect(hint).to_have_attribute("aria-live", "polite")
    phone.wait_for_timeout(300)
    phone.screenshot(path=str(shots / "phone-similar-hint.png"))

    # "Post mine anyway" dismisses it and never stands in the way.
    hint.get_by_role("button", name="Post mine anyway").click()
    expect(hint).to_be_empty()
    expect(box).to_be_focused()

    # Again, now with the keyboard: tab to "+1" and press it.
    _type(phone, "Systeembeheerders verliezen straks hun baan door de cloud")
    expect(hint).to_contain_text(room.notes["d21"].text)
    box.press("Tab")  # the send button
    phone.keyboard.press("Tab")
    expect(hint.get_by_role("button", name="+1")).to_be_focused()
    phone.keyboard.press("Enter")
    expect(box).to_have_value("")
    expect(hint).to_be_empty()
    expect(phone.locator("#toast")).to_contain_text("Your +1 is counted")
    notes = room.fresh_facilitator_notes()
    assert notes[room.notes["d21"].note_id]["endorsements"] == 1
    assert len(notes) == len(room.notes)  # nothing was posted
    # One's own notes are never offered for a +1.
    _type(phone, "Persoonsgegevens uit de BRP mogen niet zomaar in een publieke cloud")
    phone.wait_for_timeout(900)
    expect(hint).not_to_contain_text(room.notes["d01"].text)
    box.fill("")

    # Sharing: +1 toggles on other people's notes, only counts on one's own.
    room.command(names.PHASE_SET, phase="share")
    other = phone.locator(".note", has_text=room.notes["d02"].text)
    plus = other.get_by_role("button", name=re.compile(r"^\+1 for this note"))
    expect(plus).to_have_attribute("aria-pressed", "false")
    plus.click()
    expect(plus).to_have_attribute("aria-pressed", "true")
    expect(plus).to_have_accessible_name("+1 for this note (1 so far)")
    mine = phone.locator(".note--mine", has_text=room.notes["d01"].text)
    expect(mine.locator("button.plus")).to_have_count(0)
    endorsed = phone.locator(".note", has_text=room.notes["d21"].text)
    expect(endorsed.locator(".plus")).to_have_attribute("aria-pressed", "true")

    # Clustering: the phone shows the board read-only, its own clusters open.
    room.command(names.PHASE_SET, phase="cluster")
    room.cluster_by_theme(skip=LEFT_OVER)
    board = phone.locator("#cluster-board")
    expect(phone.locator("#clusters")).to_be_visible()
    expect(phone.locator("#notes")).to_be_hidden()
    privacy = board.locator(".cluster", has=phone.locator(".cluster__title", has_text="Privacy"))
    expect(privacy.locator("details")).to_have_attribute("open", "")
    expect(privacy.locator(".cluster__yours")).to_be_visible()
    expect(privacy.locator(".cnote--mine")).to_have_count(1)
    expect(privacy.locator(".cnote--mine .note__you")).to_have_text("you")
    expect(privacy.locator(".chip--mine").first).to_have_text("Gemeenten")
    liked = privacy.locator(".cnote", has_text=room.notes["d02"].text).locator(".plus")
    expect(liked).to_have_attribute("aria-pressed", "true")
    expect(liked.locator(".plus__count")).to_have_text("1")
    kosten = board.locator(".cluster", has=phone.locator(".cluster__title", has_text="Kosten"))
    expect(kosten.locator("details")).not_to_have_attribute("open", "")
    expect(kosten.locator(".cnote").first).to_be_hidden()
    kosten.locator("summary").click()
    expect(kosten.locator(".cnote")).to_have_count(4)
    expect(kosten.locator(".cnote").first).to_be_visible()
    # Read-only: no way to edit anything on the board.
    assert board.locator("input, textarea, select, [contenteditable]").count() == 0
    assert board.locator("button:not(.plus)").count() == 0
    assert board.locator("button.note__action").count() == 0

    # Live: a rename and a move reach the phone; the opened cluster stays open.
    room.command(names.CLUSTER_RENAME, cluster_id=room.clusters["privacy"], title="Privacy & AVG")
    expect(board.locator(".cluster__title", has_text="Privacy & AVG")).to_have_count(1)
    room.command(
        names.NOTES_MOVE,
        moves=[{"note_id": room.notes["d09"].note_id, "cluster_id": room.clusters["kosten"]}],
    )
    expect(kosten.locator(".cnote--mine")).to_have_count(1)
    expect(kosten.locator("details")).to_have_attribute("open", "")
    kosten.locator("summary").click()  # closed again for the screenshot
    expect(phone.locator("#toast")).to_be_hidden(timeout=8000)
    phone.evaluate(
        """() => {
            const top = document.getElementById("clusters").getBoundingClientRect().top;
            const bar = document.getElementById("top").offsetHeight;
            window.scrollTo(0, window.scrollY + top - bar - 12);
        }"""
    )
    phone.wait_for_timeout(300)
    phone.screenshot(path=str(shots / "phone-clusters.png"))
