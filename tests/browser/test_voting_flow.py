"""The whole vote as the room lives it: phones vote, the wall shows progress, then the results.

Everyone here is a real browser: three phones (390×844), the projector (1920×1080) and the
facilitator's console (1440×900). The notes and clusters come from the demo data through the
Python protocol client, as in test_phone_voting.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import CONSOLE, WALL
from tests.browser.test_phone_voting import Room, _open_room, _prepare
from tests.support.processes import LiveServer

# What each phone does: (viewpoint, {cluster: dots}, {cluster: (likelihood, impact)}).
BALLOTS = [
    ("Gemeenten", {"Privacy": 3, "Lock-in": 2}, {"Privacy": (4, 5), "Lock-in": (1, 1)}),
    ("Leveranciers", {"Privacy": 2, "Kosten": 1}, {"Privacy": (4, 4), "Kosten": (2, 2)}),
    ("Gemeenten", {"Lock-in": 1}, {"Lock-in": (5, 5), "Kosten": (1, 2)}),
]
# By dots: Privacy 5, Lock-in 3, Kosten 1. By risk (medians): Privacy 4 × 4.5 = 18, Lock-in
# 3 × 3 = 9 with ratings 1 and 5 far apart (the room disagrees), Kosten 1.5 × 2 = 3.
BY_DOTS = [("Privacy", "5 dots"), ("Lock-in", "3 dots"), ("Kosten", "1 dot")]
BY_RISK = [("Privacy", "18"), ("Lock-in", "9"), ("Kosten", "3")]
LIKELIHOOD = {1: "very unlikely", 2: "unlikely", 3: "possible", 4: "likely", 5: "almost certain"}
IMPACT = {1: "negligible", 2: "minor", 3: "moderate", 4: "major", 5: "severe"}


@pytest.fixture
def room(live_server: LiveServer, tmp_path: Path) -> Iterator[Room]:
    opened = _open_room(live_server, tmp_path, "both")
    _prepare(opened)
    yield opened
    opened.close()


def _console(browser: Browser, room: Room) -> Page:
    link = room.server.cli("facilitator", "link", "voting-both@denktank.local")
    assert link.returncode == 0, link.stderr
    page = browser.new_context(**CONSOLE).new_page()
    page.on("pageerror", lambda error: room.errors.append(str(error)))
    page.goto(link.stdout.strip())
    page.goto(room.info["console_url"] + "?lang=en")
    expect(page.locator("#conn")).to_have_attribute("data-status", "online")
    return page


def _wall(browser: Browser, room: Room) -> Page:
    page = browser.new_context(**WALL).new_page()
    page.on("pageerror", lambda error: room.errors.append(str(error)))
    page.goto(room.info["projector_url"] + "&lang=en")
    return page


def test_phones_vote_the_wall_shows_progress_then_the_revealed_ranking(
    browser: Browser, room: Room
) -> None:
    wall = _wall(browser, room)
    console = _console(browser, room)
    expect(wall.get_by_text("Vote on your phone")).to_be_visible()

    for number, (viewpoint, ballot, ratings) in enumerate(BALLOTS, start=1):
        phone = room.phone(browser, f"Stemmer {number}", viewpoint)
        for title, dots in ballot.items():
            add = phone.get_by_role("button", name=f"Add a dot to: {title}")
            for _ in range(dots):
                add.click()
        for title, (likelihood, impact) in ratings.items():
            card = phone.locator(".vitem", has=phone.locator(".vitem__title", has_text=title))
            card.get_by_text("Rate this risk").click()
            card.get_by_role("radio", name=f"{likelihood} · {LIKELIHOOD[likelihood]}").check()
            card.get_by_role("radio", name=f"{impact} · {IMPACT[impact]}").check()
            expect(card.locator(".vrate__state")).to_contain_text(f"{likelihood} × {impact}")
        used = sum(ballot.values())
        bar = phone.locator(".vote-bar")
        expect(bar).to_contain_text(
            "You used all your dots" if used == 5 else f"{5 - used} of 5 dots left"
        )
        expect(bar).to_contain_text(f"{len(ratings)} of 6 rated")
        # Stored: the facilitator's live tally (only the console sees it) counts this phone.
        people = len(room.clients) + number  # the phones that posted the notes did not vote
        expect(console.locator("#voting")).to_contain_text(f"All: {number} of {people} voted")

    # The wall: who voted per viewpoint, never a tally.
    for row in (r"Gemeenten: 2 of \d+ voted · 1 done", r"Leveranciers: 1 of \d+ voted · 0 done"):
        expect(wall.get_by_role("listitem", name=re.compile(row))).to_be_visible()
    # Only the budget ("Place your 5 dots") may mention dots; no item's title, no count of dots.
    wall_text = wall.locator("body").inner_text().replace("Place your 5 dots", "")
    assert "Privacy" not in wall_text and not re.search(r"\b\d+ dots?\b", wall_text), wall_text

    # The facilitator closes voting and reveals; the wall shows the ranking.
    console.get_by_role("button", name="Close voting").click()
    console.get_by_role("dialog", name="Close voting?").get_by_role(
        "button", name="Close voting"
    ).click()
    expect(wall.get_by_text("Results coming up")).to_be_visible()
    assert "Privacy" not in wall.locator("body").inner_text()
    console.get_by_role("button", name="Reveal results").click()
    expect(wall.locator("#projector")).to_contain_text("Ranking by dots")
    rows = wall.locator(".rs-row")
    for rank, (title, dots) in enumerate(BY_DOTS):
        expect(rows.nth(rank).locator(".rs-title")).to_have_text(title)
        expect(rows.nth(rank).locator(".rs-value")).to_contain_text(dots)

    # The risk matrix, chosen in the console: items by median risk, the disagreement marked.
    console.get_by_role("tab", name="Risk matrix").click()
    console.get_by_role("button", name="Show Risk matrix on the projector").click()
    expect(wall.locator(".rs-matrix")).to_be_visible()
    listed = wall.locator(".rs-mitem")
    for rank, (title, score) in enumerate(BY_RISK):
        expect(listed.nth(rank).locator(".rs-mitem__title")).to_have_text(title)
        expect(listed.nth(rank)).to_contain_text(score)
    expect(wall.locator(".rs-mitem.is-disagreement")).to_have_count(1)
    expect(listed.nth(1)).to_contain_text("the room disagrees")
    wall.context.close()
    console.context.close()
