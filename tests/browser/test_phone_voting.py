"""Voting on a phone: dots within budget and cap, risk ratings, server truth after a reload.

The notes come from the demo data, posted by phones driven with the Python protocol client; the
facilitator clusters some of them and runs the phases. The voting phone is a real browser at
390×844. Set WORKSHOP_SCREENSHOTS=docs/screenshots to refresh phone-voting.png and phone-risk.png.
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
from tests.support.processes import REPO, LiveServer
from workshop.client import WorkshopClient, new_note_id
from workshop.realtime import names

DEMO_PLAN = REPO / "sessions" / "denktank-cloudstrategie.yaml"
THEMES = ("privacy", "lock-in", "kosten", "beveiliging")  # clustered, by theme
LOOSE = ("d45", "d46")  # left outside any cluster: voted on as notes


@dataclass
class Room:
    """A fresh workshop from the demo plan (with the given voting mode), clustered, in `vote`."""

    server: LiveServer
    info: dict[str, Any]
    facilitator: WorkshopClient
    texts: dict[str, str] = field(default_factory=dict)  # demo key → note text
    clients: list[WorkshopClient] = field(default_factory=list)
    contexts: list[BrowserContext] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def command(self, name: str, **payload: Any) -> dict[str, Any]:
        ack = self.facilitator.send(name, payload)
        assert ack.get("ok"), ack
        return ack

    def phone(self, browser: Browser, name: str, viewpoint: str) -> Page:
        context = browser.new_context(**PHONE)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.goto(self.info["join_url"] + "?lang=en")
        page.get_by_label("Your name (optional)").fill(name)
        page.get_by_role("button", name=re.compile("^" + re.escape(viewpoint))).click()
        expect(page.locator("#group-name")).to_have_text(viewpoint)
        return page

    def results(self) -> dict[str, Any]:
        ack: dict[str, Any] = self.facilitator.sio.call(names.RESULTS_GET, {}, timeout=10)
        assert ack.get("ok"), ack
        return ack["results"]

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        for client in self.clients:
            client.close()
        self.facilitator.close()
        assert not self.errors, self.errors


def _open_room(live_server: LiveServer, tmp_path: Path, mode: str) -> Room:
    if not DEMO_NOTES.exists():
        pytest.skip(f"demo notes not found at {DEMO_NOTES}")
    plan = tmp_path / "plan.yaml"
    text = DEMO_PLAN.read_text(encoding="utf-8")
    assert "  mode: dots\n" in text
    plan.write_text(text.replace("  mode: dots\n", f"  mode: {mode}\n"), encoding="utf-8")
    email = f"voting-{mode}@denktank.local"
    created = live_server.cli("new", str(plan), "--facilitator", email, "--json")
    assert created.returncode == 0, created.stderr
    info = json.loads(created.stdout)
    link = live_server.cli("facilitator", "link", email)
    assert link.returncode == 0, link.stderr
    facilitator = WorkshopClient.facilitator(live_server.url, link.stdout.strip(), int(info["id"]))
    return Room(live_server, info, facilitator.connect())


def _prepare(room: Room) -> None:
    """Post the demo notes of a few themes, cluster them by theme, and open voting."""
    room.command(names.PHASE_SET, phase="brainstorm")
    phones: dict[str, WorkshopClient] = {}
    themes: dict[str, list[str]] = {}
    with DEMO_NOTES.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["cluster"] not in THEMES and row["id"] not in LOOSE:
                continue
            slug = row["viewpoint"]
            if slug not in phones:
                phones[slug] = WorkshopClient.join(
                    room.server.url, room.info["join_code"], viewpoint=slug
                ).connect()
                room.clients.append(phones[slug])
            note_id = new_note_id()
            payload = {"note_id": note_id, "kind": row["kind"], "text": row["text"]}
            assert phones[slug].send(names.NOTE_ADD, payload).get("ok")
            room.texts[row["id"]] = row["text"]
            if row["id"] not in LOOSE:
                themes.setdefault(row["cluster"], []).append(note_id)
    room.command(names.PHASE_SET, phase="share")
    room.command(names.PHASE_SET, phase="cluster")
    for theme in THEMES:
        room.command(
            names.CLUSTER_CREATE,
            cluster_id=str(uuid.uuid4()),
            title=theme.capitalize(),
            note_ids=themes[theme],
        )
    room.command(names.PHASE_SET, phase="vote")


@pytest.fixture
def dots_room(live_server: LiveServer, tmp_path: Path) -> Iterator[Room]:
    room = _open_room(live_server, tmp_path, "dots")
    yield room
    room.close()


@pytest.fixture
def both_room(live_server: LiveServer, tmp_path: Path) -> Iterator[Room]:
    room = _open_room(live_server, tmp_path, "both")
    yield room
    room.close()


def item(phone: Page, title: str) -> Locator:
    return phone.locator(".vitem", has=phone.locator(".vitem__title", has_text=title))


def add(phone: Page, title: str) -> Locator:
    return phone.get_by_role("button", name=f"Add a dot to: {title}")


def take_back(phone: Page, title: str) -> Locator:
    return phone.get_by_role("button", name=f"Take a dot back from: {title}")


def test_phone_votes_dots_within_budget_and_cap(
    browser: Browser, dots_room: Room, shots: Path
) -> None:
    room = dots_room
    phone = room.phone(browser, "Anna", "Gemeenten")
    _prepare(room)
    bar = phone.locator(".vote-bar")
    expect(phone.get_by_role("heading", name="Vote")).to_be_visible()
    expect(bar).to_contain_text("5 of 5 dots left")
    # Items: the clusters with their notes and viewpoints, then the loose notes.
    expect(phone.locator(".vitem")).to_have_count(len(THEMES) + len(LOOSE))
    privacy = item(phone, "Privacy")
    expect(privacy.locator(".vitem__toggle")).to_have_text("4 notes")
    expect(privacy.locator(".vitem__meta")).to_contain_text("Gemeenten")
    expect(item(phone, room.texts["d45"])).to_be_visible()
    # Nothing to post now: the composer makes way for the voting screen.
    expect(phone.locator("#composer")).to_be_hidden()

    # Three dots on one item: the cap; the fourth is refused in the UI, with the reason.
    for left in (4, 3, 2):
        add(phone, "Privacy").click()
        expect(bar).to_contain_text(f"{left} of 5 dots left")
    expect(privacy.locator(".vdots__num")).to_have_text("3")
    expect(add(phone, "Privacy")).to_be_disabled()
    expect(privacy.locator(".vitem__why")).to_have_text("That is the most for one item (3).")
    add(phone, "Lock-in").click()
    expect(bar).to_contain_text("1 of 5 dots left")
    phone.evaluate("window.scrollTo(0, 0)")
    phone.wait_for_timeout(300)  # the pending spinner settles for the screenshot
    phone.screenshot(path=str(shots / "phone-voting.png"))
    # A tap on the disabled + says why, and changes nothing.
    add(phone, "Privacy").click(force=True)
    expect(bar).to_contain_text("That is the most for one item (3).")
    expect(privacy.locator(".vdots__num")).to_have_text("3")
    expect(bar).to_contain_text("1 of 5 dots left")

    # The last dot: the budget is used, every + is off, and the bar says how to move one.
    add(phone, room.texts["d46"]).click()
    expect(bar).to_contain_text("You used all your dots")
    expect(bar).to_contain_text(re.compile("take a dot back to move it", re.IGNORECASE))
    expect(add(phone, "Kosten")).to_be_disabled()
    expect(add(phone, room.texts["d45"])).to_be_disabled()
    expect(take_back(phone, "Kosten")).to_be_disabled()

    # Taking one back frees it again.
    take_back(phone, "Privacy").click()
    expect(bar).to_contain_text("1 of 5 dots left")
    expect(privacy.locator(".vdots__num")).to_have_text("2")
    expect(add(phone, "Kosten")).to_be_enabled()

    # A reload shows the server's numbers, and the server agrees.
    phone.reload()
    expect(bar).to_contain_text("1 of 5 dots left")
    expect(item(phone, "Privacy").locator(".vdots__num")).to_have_text("2")
    expect(item(phone, "Lock-in").locator(".vdots__num")).to_have_text("1")
    expect(item(phone, room.texts["d46"]).locator(".vdots__num")).to_have_text("1")
    dots = {row["title"]: row["dots"] for row in room.results()["items"]}
    assert dots["Privacy"] == 2 and dots["Lock-in"] == 1 and dots[room.texts["d46"]] == 1, dots
    assert sum(dots.values()) == 4, dots

    # Voting closes: read-only, own votes as a reminder, then the ranking once revealed.
    room.command(names.PHASE_SET, phase="results")
    expect(phone.get_by_role("heading", name="Voting is closed")).to_be_visible()
    expect(phone.get_by_text("Results on the screen soon.")).to_be_visible()
    expect(phone.locator(".vitem")).to_have_count(3)
    expect(phone.get_by_role("button", name=re.compile("^Add a dot"))).to_have_count(0)
    room.command(names.RESULTS_REVEAL, revealed=True)
    expect(phone.get_by_role("heading", name="Results")).to_be_visible()
    first = phone.locator(".vres").first
    expect(first.locator(".vres__title")).to_have_text("Privacy")
    expect(first).to_contain_text("2 dots")
    expect(first).to_contain_text("yours: 2")


def test_phone_rates_risks_and_the_rating_survives_a_reload(
    browser: Browser, both_room: Room, shots: Path
) -> None:
    room = both_room
    phone = room.phone(browser, "Bram", "Leveranciers")
    _prepare(room)
    bar = phone.locator(".vote-bar")
    expect(bar).to_contain_text("5 of 5 dots left")
    expect(bar).to_contain_text("0 of 6 rated")

    # Both: dots first, then "Rate this risk" opens the two scales.
    add(phone, "Privacy").click()
    add(phone, "Privacy").click()
    expect(bar).to_contain_text("3 of 5 dots left")
    privacy = item(phone, "Privacy")
    privacy.get_by_text("Rate this risk").click()
    privacy.get_by_role("radio", name="4 · likely").check()
    expect(privacy.locator(".vrate__hint")).to_have_text("Now choose the impact.")
    expect(bar).to_contain_text("0 of 6 rated")  # one value alone is not sent
    privacy.get_by_role("radio", name="5 · severe").check()
    expect(privacy.locator(".vrate__hint")).to_have_text("Rating saved.")
    expect(privacy.locator(".vrate__state")).to_contain_text("4 × 5")
    expect(privacy.locator(".scale__word")).to_have_text(["4 · likely", "5 · severe"])
    expect(bar).to_contain_text("1 of 6 rated")
    phone.evaluate("window.scrollTo(0, 0)")
    phone.wait_for_timeout(300)  # the pending spinner settles for the screenshot
    phone.screenshot(path=str(shots / "phone-risk.png"))

    # Clearing removes a rating; unrated is fine.
    lock_in = item(phone, "Lock-in")
    lock_in.get_by_text("Rate this risk").click()
    lock_in.get_by_role("radio", name="2 · unlikely").check()
    lock_in.get_by_role("radio", name="3 · moderate").check()
    expect(bar).to_contain_text("2 of 6 rated")
    lock_in.get_by_role("button", name="Clear rating").click()
    expect(bar).to_contain_text("1 of 6 rated")
    expect(lock_in.locator(".vrate__state")).to_have_text("not rated yet")

    # After a reload the server's rating is back, and the server has it.
    phone.reload()
    expect(bar).to_contain_text("1 of 6 rated")
    expect(bar).to_contain_text("3 of 5 dots left")
    privacy = item(phone, "Privacy")
    expect(privacy.locator(".vrate__state")).to_contain_text("4 × 5")
    privacy.get_by_text("Rate this risk").click()
    expect(privacy.get_by_role("radio", name="4 · likely")).to_be_checked()
    expect(privacy.get_by_role("radio", name="5 · severe")).to_be_checked()
    rows = {row["title"]: row for row in room.results()["items"]}
    assert rows["Privacy"]["likelihood"] == 4 and rows["Privacy"]["impact"] == 5, rows["Privacy"]
    assert rows["Lock-in"]["likelihood"] is None, rows["Lock-in"]

    # Closed: the ratings stay visible, read-only.
    room.command(names.PHASE_SET, phase="results")
    expect(phone.get_by_role("heading", name="Voting is closed")).to_be_visible()
    privacy = item(phone, "Privacy")
    expect(privacy.locator(".vrate__state")).to_contain_text("4 × 5")
    expect(privacy.get_by_role("radio", name="4 · likely")).to_be_disabled()
    expect(phone.locator(".vitem")).to_have_count(1)  # only what this phone voted on
