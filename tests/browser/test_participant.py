"""Phones in the room: join, post and edit notes, see only their group, lose nothing offline.

Set WORKSHOP_SCREENSHOTS=docs/screenshots to refresh the phone screenshots of the README.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import PHONE
from tests.support.processes import LiveServer
from workshop.client import WorkshopClient


@dataclass
class Room:
    """The demo workshop with three phones in it and the facilitator's protocol client."""

    server: LiveServer
    join_url: str
    facilitator: WorkshopClient
    shots: Path
    contexts: list[BrowserContext] = field(default_factory=list)
    phones: dict[str, Page] = field(default_factory=dict)


def _screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wanted = os.environ.get("WORKSHOP_SCREENSHOTS")
    path = Path(wanted) if wanted else tmp_path_factory.mktemp("phone-shots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _new_phone(browser: Browser, room: Room) -> tuple[BrowserContext, Page]:
    context = browser.new_context(**PHONE)
    room.contexts.append(context)
    page = context.new_page()
    # ?lang=en: the demo workshop is Dutch; the assertions read the English texts.
    page.goto(room.join_url + "?lang=en")
    return context, page


def _join(page: Page, name: str, viewpoint: str) -> None:
    page.get_by_label("Your name (optional)").fill(name)
    page.get_by_role("button", name=re.compile("^" + re.escape(viewpoint))).click()
    expect(page.locator("#group-name")).to_have_text(viewpoint)


def _post(page: Page, text: str) -> None:
    box = page.get_by_label("Your note")
    box.fill(text)
    box.press("Enter")
    expect(box).to_have_value("")


def _notes(page: Page) -> list[str]:
    return [text.strip() for text in page.locator("#note-list .note__text").all_inner_texts()]


@pytest.fixture(scope="module")
def room(
    browser: Browser, live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Room]:
    demo = live_server.cli("demo")
    assert demo.returncode == 0, demo.stderr
    login = re.search(r"one-time login link\): (\S+)", demo.stdout)
    join = re.search(r"Participants join:\s+(\S+)", demo.stdout)
    assert login and join, demo.stdout
    workshop_id = int(re.search(r"/console/workshops/(\d+)", login.group(1)).group(1))  # type: ignore[union-attr]
    facilitator = WorkshopClient.facilitator(live_server.url, login.group(1), workshop_id)
    facilitator.connect()
    room = Room(live_server, join.group(1), facilitator, _screenshot_dir(tmp_path_factory))
    yield room
    facilitator.close()
    for context in room.contexts:
        context.close()


def test_three_phones_join_post_edit_and_see_only_their_group(browser: Browser, room: Room) -> None:
    requested: list[str] = []
    anna_ctx, anna = _new_phone(browser, room)
    anna_ctx.on("request", lambda request: requested.append(request.url))
    expect(anna.get_by_role("heading", name="Cloudstrategie voor gemeenten")).to_be_visible()
    expect(anna.get_by_role("button", name=re.compile("Leveranciers"))).to_be_visible()
    anna.screenshot(path=str(room.shots / "phone-join.png"))
    _join(anna, "Anna", "Gemeenten")

    _bram_ctx, bram = _new_phone(browser, room)
    _join(bram, "Bram", "Leveranciers")
    _carla_ctx, carla = _new_phone(browser, room)
    _join(carla, "", "Gemeenten")
    room.phones.update(anna=anna, bram=bram, carla=carla)

    # Lobby: a welcome, the group, and a composer that explains why it waits.
    expect(anna.get_by_role("heading", name="Welcome, Anna!")).to_be_visible()
    expect(anna.get_by_text("Waiting for the facilitator to start the brainstorm.")).to_be_visible()
    expect(carla.get_by_role("heading", name="You're in!")).to_be_visible()
    expect(anna.get_by_label("Your note")).to_be_disabled()
    expect(anna.locator("#composer-reason")).to_contain_text("as soon as the brainstorm starts")
    expect(anna.locator("#conn")).to_have_attribute("data-status", "online")
    anna.screenshot(path=str(room.shots / "phone-lobby.png"))

    # The facilitator starts the brainstorm and the timer: every phone follows.
    assert room.facilitator.send("phase:set", {"phase": "brainstorm"})["ok"]
    assert room.facilitator.send("timer:start", {})["ok"]
    for phone in (anna, bram, carla):
        expect(phone.get_by_label("Your note")).to_be_enabled()
        expect(phone.locator("#timer")).to_be_visible()
    expect(anna.locator("#question")).to_contain_text("gezichtspunt van Gemeenten")
    expect(bram.locator("#question")).to_contain_text("gezichtspunt van Leveranciers")

    _post(anna, "Vendor lock-in: overstappen naar een andere leverancier wordt duur.")
    anna.get_by_role("radio", name="Gevolg").check()
    _post(anna, "Minder eigen beheer, meer regie op de leverancier nodig.")
    _post(bram, "Gemeenten vragen maatwerk dat niet in een standaard cloud past.")
    _post(carla, "Privacy van burgergegevens als data buiten de EU staat.")

    # Anna edits her first note inline.
    first = anna.locator(".note", has_text="Vendor lock-in")
    first.get_by_role("button", name="Edit").click()
    editor = anna.get_by_label("Edit your note")
    editor.fill("Vendor lock-in: overstappen naar een andere leverancier wordt duur en traag.")
    editor.press("Enter")

    gemeenten = [
        "Privacy van burgergegevens als data buiten de EU staat.",
        "Minder eigen beheer, meer regie op de leverancier nodig.",
        "Vendor lock-in: overstappen naar een andere leverancier wordt duur en traag.",
    ]
    # Newest first; each phone sees exactly its own group's notes.
    for phone in (anna, carla):
        expect(phone.locator("#note-list .note__text")).to_have_text(gemeenten)
    expect(bram.locator("#note-list .note__text")).to_have_text(
        ["Gemeenten vragen maatwerk dat niet in een standaard cloud past."]
    )
    # Own notes are marked and editable; the group's other notes are not.
    expect(anna.locator(".note--mine")).to_have_count(2)
    expect(carla.locator(".note--mine")).to_have_count(1)
    expect(carla.locator(".note", has_text="Vendor lock-in").get_by_role("button")).to_have_count(0)
    expect(anna.locator(".note", has_text="regie").locator(".note__kind")).to_have_text("Gevolg")
    # Notes of the other groups stay hidden until sharing (the demo plan hides them).
    expect(bram.locator("#others")).to_contain_text("Other groups have posted 3 notes")
    anna.wait_for_timeout(400)  # let the entry animation settle for the screenshot
    anna.screenshot(path=str(room.shots / "phone-brainstorm.png"))

    # The server agrees: one stored copy of each note, with the edit.
    room.facilitator.wait_for(lambda c: len(c.notes) == 4)
    texts = sorted(note["text"] for note in room.facilitator.notes.values())
    assert texts == sorted(
        [*gemeenten, "Gemeenten vragen maatwerk dat niet in een standaard cloud past."]
    )
    # Nothing came from another host.
    assert requested and all(url.startswith(room.server.url) for url in requested), requested


def test_offline_phone_keeps_its_notes_and_sends_each_once(browser: Browser, room: Room) -> None:
    if "carla" not in room.phones:
        pytest.skip("needs the phones of the previous test")
    carla, anna = room.phones["carla"], room.phones["anna"]
    context = carla.context
    context.set_offline(True)
    expect(carla.locator("#offline")).to_be_visible()
    expect(carla.locator("#offline")).to_contain_text("your notes will be sent when you're back")

    offline_notes = [
        "Offline notitie een: uitwijk bij storing.",
        "Offline notitie twee: exit-strategie.",
    ]
    for text in offline_notes:
        _post(carla, text)
    pending = carla.locator(".note--pending")
    expect(pending).to_have_count(2)
    expect(pending.first).to_contain_text("sending…")
    carla.wait_for_timeout(1500)  # still offline: they stay pending, nothing is lost
    expect(pending).to_have_count(2)

    context.set_offline(False)
    expect(carla.locator("#offline")).to_be_hidden(timeout=20_000)
    expect(pending).to_have_count(0, timeout=20_000)
    for text in offline_notes:
        expect(carla.locator(".note__text", has_text=text)).to_have_count(1)
        expect(anna.locator(".note__text", has_text=text)).to_have_count(1)

    # A fresh snapshot (reload) and the server itself agree: each note exactly once.
    carla.reload()
    expect(carla.locator(".note__text", has_text=offline_notes[0])).to_have_count(1)
    notes = _notes(carla)
    for text in offline_notes:
        assert notes.count(text) == 1, notes
    room.facilitator.wait_for(lambda c: len(c.notes) == 6)
    stored = [note["text"] for note in room.facilitator.notes.values()]
    for text in offline_notes:
        assert stored.count(text) == 1, stored
    expect(carla.locator(".note--mine")).to_have_count(3)


def test_server_restart_mid_brainstorm_loses_no_acknowledged_note(room: Room) -> None:
    if "anna" not in room.phones:
        pytest.skip("needs the phones of the first test")
    anna, carla = room.phones["anna"], room.phones["carla"]
    before = _notes(anna)
    assert before, "the earlier tests posted notes"

    process = room.server.process
    assert process is not None
    process.kill()  # no goodbye: the phones only notice the dead connection
    process.wait()
    expect(anna.locator("#offline")).to_be_visible(timeout=20_000)
    _post(anna, "Na de herstart: back-up en uitwijk regelen.")
    expect(anna.locator(".note--pending")).to_have_count(1)

    room.server.start()
    expect(anna.locator("#offline")).to_be_hidden(timeout=20_000)
    expect(anna.locator(".note--pending")).to_have_count(0, timeout=20_000)
    expected = ["Na de herstart: back-up en uitwijk regelen.", *before]
    expect(anna.locator("#note-list .note__text")).to_have_text(expected)
    expect(carla.locator("#note-list .note__text")).to_have_text(expected, timeout=20_000)
