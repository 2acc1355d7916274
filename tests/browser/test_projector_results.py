"""The projector while voting (progress only, never a tally) and after (the revealed results).

A workshop from the demo plan with the realistic demo notes (shared/data/demo-notes.csv) in
theme clusters, voting mode ``both``; phones and the facilitator are Python protocol clients,
only the projector is a real browser at 1920×1080. Set WORKSHOP_SCREENSHOTS=docs/screenshots to
refresh the voting and results screenshots.
"""

from __future__ import annotations

import csv
import json
import random
import re
import statistics
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import DEMO_NOTES
from tests.browser.test_projector import DEMO_PLAN, Workshop
from tests.support.processes import LiveServer
from workshop.client import WorkshopClient, new_note_id
from workshop.realtime import names

# The demo's themes as the room would name its clusters.
TITLES = {
    "privacy": "Privacy van burgergegevens",
    "lock-in": "Vendor lock-in en exit-strategie",
    "regie": "Regie op de leverancier",
    "kosten": "Kosten: voorspelbaar, niet lager",
    "beschikbaarheid": "Beschikbaarheid en internetverbinding",
    "beveiliging": "Beveiliging en certificering",
    "migratie": "Migratie zonder terugvaloptie",
    "personeel": "Beheerders worden regisseurs",
    "samenwerking": "Samen inkopen en delen",
    "wetgeving": "Wetgeving loopt achter op de techniek",
    "standaardisatie": "Standaarden voor koppelingen",
}
PEOPLE = {"gemeenten": 8, "shared-service": 6, "leveranciers": 6}
# What each viewpoint cares about (weights for its dots) and how it rates a theme (L, I).
CARES = {
    "gemeenten": {
        "privacy": 6,
        "lock-in": 4,
        "regie": 4,
        "wetgeving": 3,
        "kosten": 2,
        "personeel": 2,
    },
    "shared-service": {
        "regie": 5,
        "beschikbaarheid": 4,
        "privacy": 3,
        "samenwerking": 3,
        "migratie": 2,
    },
    "leveranciers": {
        "beveiliging": 5,
        "standaardisatie": 4,
        "lock-in": 3,
        "kosten": 3,
        "privacy": 2,
    },
}
RISK = {
    "privacy": (4, 5),
    "lock-in": (4, 4),
    "regie": (3, 4),
    "kosten": (4, 2),
    "beschikbaarheid": (2, 5),
    "beveiliging": (3, 5),
    "migratie": (2, 4),
    "personeel": (4, 3),
    "samenwerking": (2, 2),
    "wetgeving": (4, 3),
    "standaardisatie": (3, 2),
}
DISPUTED = "migratie"  # half the room sees little risk, half a big one
SHOTS = {"progress": "projector-voting-progress.png"}


def demo_notes() -> list[dict[str, str]]:
    with DEMO_NOTES.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


class Room:
    """The demo workshop in the vote phase: clusters per theme, phones per viewpoint."""

    def __init__(self, workshop: Workshop) -> None:
        self.w = workshop
        self.clusters: dict[str, str] = {}  # theme → cluster id
        self.voters: list[tuple[str, WorkshopClient]] = []
        self.dots: dict[str, dict[str, int]] = {}  # theme → viewpoint slug → dots
        self.ratings: dict[str, list[tuple[int, int]]] = {}
        self.placed: dict[int, dict[str, int]] = {}  # id(phone) → theme → dots

    def add_dot(self, slug: str, phone: WorkshopClient, theme: str) -> None:
        ack = phone.send(
            names.VOTE_ADD, {"target_type": "cluster", "target_id": self.clusters[theme]}
        )
        assert ack.get("ok"), ack
        placed = self.placed.setdefault(id(phone), {})
        placed[theme] = placed.get(theme, 0) + 1
        self.dots.setdefault(theme, {}).setdefault(slug, 0)
        self.dots[theme][slug] += 1

    def prepare(self) -> None:
        w = self.w
        for slug, count in PEOPLE.items():
            for _ in range(count):
                self.voters.append((slug, w.join(slug)))
        w.command(names.PHASE_SET, phase="brainstorm")
        by_theme: dict[str, list[str]] = {}
        poster = {slug: next(p for s, p in self.voters if s == slug) for slug in PEOPLE}
        for row in demo_notes():
            if row["cluster"] not in TITLES:
                continue
            note_id = new_note_id()
            ack = poster[row["viewpoint"]].send(
                names.NOTE_ADD, {"note_id": note_id, "kind": row["kind"], "text": row["text"]}
            )
            assert ack.get("ok"), ack
            by_theme.setdefault(row["cluster"], []).append(note_id)
        w.command(names.PHASE_SET, phase="cluster")
        for theme, note_ids in by_theme.items():
            cluster_id = str(uuid.uuid4())
            w.command(
                names.CLUSTER_CREATE, cluster_id=cluster_id, title=TITLES[theme], note_ids=note_ids
            )
            self.clusters[theme] = cluster_id
        w.command(names.PHASE_SET, phase="vote")

    def vote(self, who: list[tuple[str, WorkshopClient]], seed: int = 7) -> None:
        """Each phone places its five dots by its viewpoint's cares and rates every theme."""
        rng = random.Random(seed)
        for index, (slug, phone) in enumerate(who):
            cares = CARES[slug]
            placed = self.placed.setdefault(id(phone), {})
            while sum(placed.values()) < 5:
                theme = rng.choices(list(cares), weights=list(cares.values()))[0]
                if placed.get(theme, 0) < 3:
                    self.add_dot(slug, phone, theme)
            for theme, (likelihood, impact) in RISK.items():
                if theme == DISPUTED:
                    likelihood, impact = (1, 2) if index % 2 else (5, 5)
                else:
                    likelihood = max(1, min(5, likelihood + rng.choice((-1, 0, 0, 0, 1))))
                    impact = max(1, min(5, impact + rng.choice((0, 0, 0, 1, -1))))
                ack = phone.send(
                    names.RISK_SCORE,
                    {
                        "target_type": "cluster",
                        "target_id": self.clusters[theme],
                        "likelihood": likelihood,
                        "impact": impact,
                    },
                )
                assert ack.get("ok"), ack
                self.ratings.setdefault(theme, []).append((likelihood, impact))

    def expected_ranking(self) -> list[tuple[str, int]]:
        """(title, dots) as the server ranks: dots, then risk score, then title."""
        rows = []
        for theme, title in TITLES.items():
            dots = sum(self.dots.get(theme, {}).values())
            rated = self.ratings.get(theme, [])
            score = (
                statistics.median(r[0] for r in rated) * statistics.median(r[1] for r in rated)
                if rated
                else 0
            )
            rows.append((-dots, -score, title.casefold(), title, dots))
        return [(title, dots) for *_, title, dots in sorted(rows)]


@pytest.fixture
def room(live_server: LiveServer, tmp_path: Path) -> Iterator[Room]:
    plan = tmp_path / "plan.yaml"
    text = DEMO_PLAN.read_text(encoding="utf-8")
    text = text.replace("hidden_until_share: true", "hidden_until_share: false")
    text = text.replace("mode: dots", "mode: both")
    plan.write_text(text, encoding="utf-8")
    email = "results@denktank.local"
    created = live_server.cli("new", str(plan), "--facilitator", email, "--json")
    assert created.returncode == 0, created.stderr
    info = json.loads(created.stdout)
    link = live_server.cli("facilitator", "link", email)
    assert link.returncode == 0, link.stderr
    facilitator = WorkshopClient.facilitator(live_server.url, link.stdout.strip(), int(info["id"]))
    workshop = Workshop(live_server, info, facilitator.connect())
    built = Room(workshop)
    built.prepare()
    yield built
    workshop.close()


def progress_row(page: Page, slug: str, room: Room) -> Any:
    vp_id = room.w.viewpoint_id(slug)
    return page.locator(f'.pj-vprog[data-viewpoint="{vp_id}"]')


def calm(page: Page, wait_ms: int = 1800) -> None:
    page.mouse.move(5, 5)  # the pointer hides after 3 s without movement
    page.wait_for_timeout(wait_ms)  # bars grow, pins pop in


def test_voting_shows_progress_only_then_the_revealed_results(
    browser: Browser, room: Room, shots: Path
) -> None:
    context, page = room.w.projector(browser)
    expect(page.locator("#pj-vote-title")).to_have_text("Vote on your phone")
    expect(page.locator("#pj-vote-how")).to_contain_text("Place your 5 dots")
    expect(page.locator("#pj-vote-items")).to_have_text("11 items to choose from")
    expect(progress_row(page, "gemeenten", room)).to_contain_text("0 of 8 voted · 0 done")

    # About two thirds of the room: the first ones done, some halfway.
    first = [v for i, v in enumerate(room.voters) if i % 3 != 2]
    room.vote(first)
    halfway = [v for i, v in enumerate(room.voters) if i % 3 == 2][:3]
    for slug, phone in halfway:
        room.add_dot(slug, phone, next(iter(CARES[slug])))
    gemeenten = progress_row(page, "gemeenten", room)
    expect(gemeenten).to_contain_text(re.compile(r"\d+ of 8 voted · \d+ done"))
    expect(page.locator("#pj-vote-total")).to_contain_text("of 20 people have voted")
    voted = sum(1 for s, _ in first + halfway if s == "gemeenten")
    done = sum(1 for s, _ in first if s == "gemeenten")
    expect(gemeenten).to_contain_text(f"{voted} of 8 voted · {done} done")

    # Never a tally while voting: no results in the state, no chart, no "n dots" but the budget.
    assert page.evaluate("window.denktankProjector.state.results") is None
    assert page.locator(".rs-figure, .rs-row, .rs-value").count() == 0
    text = page.locator("#projector").inner_text()
    how = page.locator("#pj-vote-how").inner_text()
    assert not re.search(r"\d+\s+dots?\b", text.replace(how, "")), text
    # The timer shows in the strip, as on the wall.
    room.w.command(names.TIMER_START, duration_s=420)
    expect(page.locator("#pj-timer-time")).to_have_text(re.compile(r"^0[67]:\d\d$"))
    calm(page, 1000)
    page.screenshot(path=str(shots / "projector-voting-progress.png"))

    # The rest votes; closing the vote shows "coming up" until the facilitator reveals.
    room.vote([v for i, v in enumerate(room.voters) if i % 3 == 2], seed=11)
    room.w.command(names.PHASE_SET, phase="results")
    expect(page.locator(".pj-results__title")).to_have_text("Results coming up")
    expect(page.locator("#pj-results-count")).to_have_text("20 people voted")
    assert page.locator(".rs-row").count() == 0

    room.w.command(names.RESULTS_REVEAL, revealed=True, view="ranking")
    expected = room.expected_ranking()
    rows = page.locator(".rs-row")
    expect(rows).to_have_count(10)
    titles = rows.locator(".rs-title")
    expect(titles).to_have_text([title for title, _ in expected[:10]])
    for index, (_title, dots) in enumerate(expected[:10]):
        expect(rows.nth(index).locator(".rs-value")).to_contain_text(f"{dots} dots")
    expect(page.locator(".rs-more")).to_have_text("+ 1 more item")
    # Colour is never the only signal: the legend names every viewpoint.
    legend = page.locator(".rs-legend")
    for name in ("Gemeenten", "Leveranciers", "Shared Service Organisatie"):
        expect(legend).to_contain_text(name)
    calm(page)
    page.screenshot(path=str(shots / "results-ranking.png"))

    # The matrix: the disputed theme carries the disagreement mark; items sit in their cells.
    room.w.command(names.RESULTS_REVEAL, revealed=True, view="matrix")
    matrix = page.locator(".rs-matrix")
    expect(matrix).to_be_visible()
    disputed = page.locator(
        ".rs-mitem", has=page.locator(".rs-mitem__title", has_text=TITLES[DISPUTED])
    )
    expect(disputed).to_have_class(re.compile("is-disagreement"))
    expect(disputed).to_contain_text("the room disagrees")
    expect(page.locator(".rs-mitem.is-disagreement")).to_have_count(1)
    for theme in ("privacy", "samenwerking"):
        rated = room.ratings[theme]
        likelihood = statistics.median(r[0] for r in rated)
        impact = statistics.median(r[1] for r in rated)
        item = page.locator(
            ".rs-mitem", has=page.locator(".rs-mitem__title", has_text=TITLES[theme])
        )
        expect(item).to_contain_text(f"likelihood {fmt(likelihood)} × impact {fmt(impact)}")
        number = item.get_attribute("data-number")
        pin = page.locator(f'.rs-pin[data-number="{number}"]')
        expect(pin).to_have_attribute("data-likelihood", fmt(likelihood))
        expect(pin).to_have_attribute("data-impact", fmt(impact))
    expect(page.locator("svg.rs-matrix__svg title").first).to_have_text("Risk matrix")
    calm(page)
    page.screenshot(path=str(shots / "results-matrix.png"))

    room.w.command(names.RESULTS_REVEAL, revealed=True, view="viewpoints")
    columns = page.locator(".rs-vpcol")
    expect(columns).to_have_count(3)
    top_gemeenten = max(room.dots, key=lambda t: room.dots[t].get("gemeenten", 0))
    first_item = columns.nth(0).locator(".rs-vpitem").first
    expect(first_item).to_contain_text(TITLES[top_gemeenten])
    expect(first_item).to_contain_text(f"{room.dots[top_gemeenten]['gemeenten']} dots")
    calm(page)
    page.screenshot(path=str(shots / "results-viewpoints.png"))

    room.w.command(names.RESULTS_REVEAL, revealed=True, view="raised_by")
    expect(page.locator(".rs-rgroup--several .rs-ritem").first).to_be_visible()
    expect(page.locator(".rs-rgroup--several")).to_contain_text(TITLES["privacy"])

    # Moving back to voting hides the results again.
    room.w.command(names.PHASE_SET, phase="vote")
    expect(page.locator("#pj-vote-title")).to_be_visible()
    assert (
        page.locator(".rs-figure").count() == 0 or not page.locator(".rs-figure").first.is_visible()
    )
    context.close()


def fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def test_the_group_screen_shows_its_own_progress_and_its_own_dots(
    browser: Browser, room: Room
) -> None:
    context, page = room.w.projector(browser, viewpoint="leveranciers")
    rows = page.locator(".pj-vprog")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Leveranciers")
    expect(rows).to_contain_text("0 of 6 voted · 0 done")
    room.vote(room.voters)
    expect(rows).to_contain_text("6 of 6 voted · 6 done")
    room.w.command(names.PHASE_SET, phase="results")
    room.w.command(names.RESULTS_REVEAL, revealed=True, view="ranking")
    expect(page.locator(".rs-caption__title")).to_have_text("Where Leveranciers put its dots")
    ours = {t: d["leveranciers"] for t, d in room.dots.items() if d.get("leveranciers")}
    top = max(ours, key=lambda t: ours[t])
    expect(page.locator(".rs-row").first.locator(".rs-value")).to_contain_text(f"{ours[top]} dots")
    expect(page.locator(".rs-row")).to_have_count(min(8, len(ours)))
    context.close()
