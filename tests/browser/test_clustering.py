"""The facilitator clusters the demo notes on the console's board; the wall and a phone follow.

Drag and drop uses real pointer events (SortableJS ignores synthetic drag events), the keyboard
path moves one note, a suggestion is accepted and one operation undone.

Set WORKSHOP_SCREENSHOTS=docs/screenshots to refresh console-clustering.png.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import CONSOLE, PHONE, WALL, screenshot_dir
from tests.browser.conftest import DEMO_NOTES as DEMO_CSV
from tests.support.processes import LiveServer
from workshop.client import WorkshopClient, new_note_id

# Used when the shared demo data is not beside the checkout: (viewpoint slug, kind, text).
FALLBACK_NOTES = [
    (
        "gemeenten",
        "risk",
        "Persoonsgegevens uit de BRP mogen niet zomaar in een publieke cloud staan",
    ),
    (
        "gemeenten",
        "risk",
        "Wie kan er bij onze burgergegevens als alles bij de leverancier draait?",
    ),
    (
        "shared-service",
        "consequence",
        "Voor iedere deelnemende gemeente een aparte verwerkersovereenkomst nodig",
    ),
    ("leveranciers", "risk", "Klanten eisen aantoonbare AVG-compliance per dienst"),
    ("gemeenten", "risk", "We worden afhankelijk van één huisleverancier"),
    ("gemeenten", "risk", "Overstappen naar een andere partij wordt later bijna onmogelijk"),
    ("shared-service", "risk", "Exit-strategie ontbreekt in de meeste contracten"),
    ("leveranciers", "consequence", "Klanten kunnen makkelijker vertrekken bij open standaarden"),
    ("gemeenten", "consequence", "Kosten kunnen hoger uitvallen dan met eigen servers"),
    ("shared-service", "consequence", "Geen investeringen meer in hardware: van capex naar opex"),
    ("leveranciers", "consequence", "Ons verdienmodel verschuift van licenties naar abonnementen"),
    ("gemeenten", "risk", "Wie is het aanspreekpunt als de dienst uitvalt?"),
]
PRIVACY = [
    "Persoonsgegevens uit de BRP mogen niet zomaar in een publieke cloud staan",
    "Wie kan er bij onze burgergegevens als alles bij de leverancier draait?",
    "Voor iedere deelnemende gemeente een aparte verwerkersovereenkomst nodig",
    "Klanten eisen aantoonbare AVG-compliance per dienst",
]
TITLE = "Privacy en AVG"


def _demo_notes() -> list[tuple[str, str, str]]:
    if not DEMO_CSV.exists():
        return FALLBACK_NOTES
    with DEMO_CSV.open(encoding="utf-8") as handle:
        return [(row["viewpoint"], row["kind"], row["text"]) for row in csv.DictReader(handle)]


def _links(live_server: LiveServer) -> dict[str, str]:
    demo = live_server.cli("demo")
    assert demo.returncode == 0, demo.stderr
    found = {
        "login": re.search(r"one-time login link\): (\S+)", demo.stdout),
        "join": re.search(r"Participants join:\s+(\S+)", demo.stdout),
        "projector": re.search(r"Projector:\s+(\S+)", demo.stdout),
        "code": re.search(r"join code ([A-Z0-9]{6})", demo.stdout),
    }
    assert all(found.values()), demo.stdout
    return {key: match.group(1) for key, match in found.items() if match}


def _post_notes(live_server: LiveServer, code: str, notes: list[tuple[str, str, str]]) -> None:
    """Three phones, one per viewpoint, post the notes through the protocol client."""
    phones: dict[str, WorkshopClient] = {}
    for slug in sorted({slug for slug, _kind, _text in notes}):
        phones[slug] = WorkshopClient.join(
            live_server.url, code, name=f"Deelnemer {slug}", viewpoint=slug
        ).connect()
    try:
        for slug, kind, text in notes:
            ack = phones[slug].send(
                "note:add", {"note_id": new_note_id(), "kind": kind, "text": text}
            )
            assert ack["ok"], ack
    finally:
        for phone in phones.values():
            phone.close()


def _server_clusters(client: WorkshopClient) -> dict[str, list[str]]:
    """Cluster title → note texts, from a fresh snapshot (what every screen converges to)."""
    before = client.sync_count
    client.seq_reset_and_sync()
    client.wait_for(lambda c: c.sync_count > before)
    snapshot = client.snapshot
    texts: dict[str, list[str]] = {c["id"]: [] for c in snapshot.get("clusters", [])}
    for note in sorted(snapshot.get("notes", []), key=lambda n: n.get("position") or 0):
        if note.get("cluster_id") in texts:
            texts[note["cluster_id"]].append(note.get("text", ""))
    return {c["title"]: texts[c["id"]] for c in snapshot.get("clusters", [])}


def _drag(page: Page, source: Locator, target: Locator, fx: float = 0.5, fy: float = 0.5) -> None:
    """Drag with real pointer events, in small steps, as a hand would."""
    source.scroll_into_view_if_needed()
    start = source.bounding_box()
    assert start
    x, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 6, y + 8, steps=4)
    for _ in range(2):  # aim again: lists may make room while the note travels
        box = target.bounding_box()
        assert box
        page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy, steps=12)
        page.wait_for_timeout(120)
    page.mouse.up()


def _note(page: Page, text: str) -> Locator:
    return page.locator("#cluster-board .cnote", has_text=text)


def _cluster(page: Page, title: str) -> Locator:
    return page.locator(
        "#cluster-board .cluster", has=page.locator(".cluster__name", has_text=title)
    )


def test_facilitator_clusters_by_drag_keyboard_and_suggestion_live(
    browser: Browser, live_server: LiveServer
) -> None:
    links = _links(live_server)
    notes = _demo_notes()

    console_context = browser.new_context(**CONSOLE)
    requested: list[str] = []
    console_context.on("request", lambda request: requested.append(request.url))
    console = console_context.new_page()
    errors: list[str] = []
    console.on("pageerror", lambda error: errors.append(str(error)))
    console.goto(links["login"])
    console.reload()
    expect(console.locator("#conn")).to_have_attribute("data-status", "online")

    # The room brainstorms (phones through the protocol client), then the console moves on.
    console.locator('#stepper [data-phase="brainstorm"]').click()
    expect(console.locator('#stepper [data-phase="brainstorm"]')).to_have_attribute(
        "aria-current", "step"
    )
    _post_notes(live_server, links["code"], notes)
    expect(console.locator("li.note")).to_have_count(len(notes))
    expect(console.get_by_role("tab", name="Clusters")).to_be_hidden()
    console.locator('#stepper [data-phase="cluster"]').click()

    # The cluster phase turns the notes area into the clustering board, every note unclustered.
    expect(console.get_by_role("tab", name="Clusters")).to_have_attribute("aria-selected", "true")
    board = console.locator("#cluster-board")
    expect(board).to_be_visible()
    expect(console.locator("#columns")).to_be_hidden()
    expect(board.locator(".lane__notes > .cnote")).to_have_count(len(notes))
    expect(board.locator(".cluster")).to_have_count(0)
    expect(console.locator("#cboard-summary")).to_contain_text(f"{len(notes)} of {len(notes)}")

    # The wall and a phone (joined now, mobile viewport) watch along.
    wall_context = browser.new_context(**WALL)
    wall = wall_context.new_page()
    wall.goto(links["projector"])
    phone_context = browser.new_context(**PHONE)
    phone = phone_context.new_page()
    phone.goto(links["join"] + "?lang=en")
    phone.get_by_label("Your name (optional)").fill("Mark Visser")
    phone.get_by_role("button", name=re.compile("^Leveranciers")).click()
    expect(phone.locator("#group-name")).to_have_text("Leveranciers")

    # Drag one note onto another: a new cluster with both.
    _drag(console, _note(console, PRIVACY[1]), _note(console, PRIVACY[0]))
    expect(board.locator(".cluster")).to_have_count(1)
    first = board.locator(".cluster").first
    expect(first.locator(".cnote")).to_have_count(2)
    expect(first.locator(".cluster__name")).to_have_text("Untitled cluster")

    # Drag a third note (another viewpoint) into the cluster: it says who raised it.
    _drag(console, _note(console, PRIVACY[2]), first.locator(".cluster__notes"), fy=0.92)
    expect(first.locator(".cnote")).to_have_count(3)
    expect(first.locator(".cluster__raised")).to_contain_text(
        "Raised by Gemeenten and Shared Service Organisatie"
    )

    # Rename inline.
    first.locator(".cluster__name").click()
    title_box = first.get_by_role("textbox", name="Cluster name")
    title_box.fill(TITLE)
    title_box.press("Enter")
    expect(first.locator(".cluster__name")).to_have_text(TITLE)

    # The keyboard path: focus a note, M opens "Move to…", arrows and Enter choose the cluster.
    fourth = _note(console, PRIVACY[3])
    fourth.focus()
    fourth.press("m")
    menu = console.get_by_role("menu", name="Move 1 note to…")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("menuitem", name="New cluster")).to_be_focused()
    console.keyboard.press("ArrowDown")
    expect(menu.get_by_role("menuitem", name=re.compile(TITLE))).to_be_focused()
    console.keyboard.press("Enter")
    expect(menu).to_be_hidden()
    expect(_cluster(console, TITLE).locator(".cnote")).to_have_count(4)
    expect(_note(console, PRIVACY[3])).to_be_focused()
    expect(console.locator("#console > p[aria-live]")).to_contain_text(f"to {TITLE}")
    expect(_cluster(console, TITLE).locator(".cluster__raised")).to_contain_text("Leveranciers")

    # The wall and the phone show the cluster live.
    expect(wall.get_by_text(TITLE, exact=True).first).to_be_visible()
    expect(phone.get_by_text(TITLE, exact=True).first).to_be_visible()

    # Suggestions: a preview first; nothing changes until one is accepted.
    console.get_by_role("button", name="Suggest clusters").click()
    panel = console.locator("#suggestions")
    expect(panel).to_be_visible()
    proposals = panel.locator(".proposal")
    expect(proposals.first).to_be_visible()
    expect(board.locator(".cluster")).to_have_count(1)
    suggested = proposals.first.locator(".proposal__title").inner_text()
    in_proposal = proposals.first.locator(".proposal__notes li").count()
    proposals.first.get_by_role("button", name=re.compile("^Accept")).click()
    expect(board.locator(".cluster")).to_have_count(2)
    expect(_cluster(console, suggested).locator(".cnote")).to_have_count(in_proposal)
    expect(
        panel.locator(".proposal__title", has_text=re.compile(f"^{re.escape(suggested)}$"))
    ).to_have_count(0)
    panel.get_by_role("button", name="Close suggestions").click()
    expect(panel).to_be_hidden()

    # Undo the last operation (the accepted suggestion), with the keyboard shortcut.
    expect(console.get_by_role("button", name=re.compile("^Undo: New cluster"))).to_be_enabled()
    console.locator("#cboard-suggest").focus()
    console.keyboard.press("Control+z")
    expect(board.locator(".cluster")).to_have_count(1)
    expect(console.locator("#console > p[aria-live]")).to_contain_text("Undone")

    # Every screen converged to the same state on the server.
    facilitator_login = _links(live_server)["login"]
    workshop_id = int(re.search(r"/projector/(\d+)", links["projector"]).group(1))  # type: ignore[union-attr]
    checker = WorkshopClient.facilitator(live_server.url, facilitator_login, workshop_id).connect()
    try:
        assert _server_clusters(checker) == {TITLE: PRIVACY}
        # A second facilitator moves a note out meanwhile: the board follows at once.
        moved = next(n for n in checker.snapshot["notes"] if n.get("text") == PRIVACY[3])
        ack = checker.send("notes:move", {"moves": [{"note_id": moved["id"], "cluster_id": None}]})
        assert ack["ok"], ack
        expect(_cluster(console, TITLE).locator(".cnote")).to_have_count(3)
        expect(board.locator(".lane__notes > .cnote", has_text=PRIVACY[3])).to_have_count(1)
    finally:
        checker.close()
    expect(wall.get_by_text(suggested, exact=True)).to_have_count(0)

    assert not errors, errors
    assert requested and all(url.startswith(live_server.url) for url in requested), requested
    for context in (console_context, wall_context, phone_context):
        context.close()


# The screenshot's board: six themes of the demo notes, named as a facilitator would.
SCREENSHOT_CLUSTERS = [
    ("privacy", "Privacy en AVG"),
    ("lock-in", "Afhankelijkheid en lock-in"),
    ("regie", "Regie op de leverancier"),
    ("kosten", "Kosten en financiering"),
    ("personeel", "Personeel en kennis"),
    ("verdienmodel", "Verdienmodel leveranciers"),
]


def _new_workshop(live_server: LiveServer, plan: str) -> tuple[dict[str, str], str]:
    """A fresh workshop from a plan, and a one-time login link for its owner."""
    created = live_server.cli("new", plan, "--facilitator", "facilitator@denktank.local", "--json")
    assert created.returncode == 0, created.stderr
    info = json.loads(created.stdout)
    link = live_server.cli("facilitator", "link", "facilitator@denktank.local")
    assert link.returncode == 0, link.stderr
    return info, link.stdout.strip().splitlines()[-1]


def test_screenshot_of_a_clustered_board(
    browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    if not DEMO_CSV.exists():
        pytest.skip("the screenshot needs the shared demo data beside the checkout")
    info, login = _new_workshop(live_server, "sessions/denktank-cloudstrategie.yaml")
    facilitator = WorkshopClient.facilitator(live_server.url, login, info["id"]).connect()
    with DEMO_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    phones = {
        slug: WorkshopClient.join(
            live_server.url, info["join_code"], name=name, viewpoint=slug
        ).connect()
        for slug, name in [
            ("gemeenten", "Anna de Vries"),
            ("shared-service", "Lotte Mulder"),
            ("leveranciers", "Eva de Boer"),
        ]
    }
    try:
        assert facilitator.send("phase:set", {"phase": "brainstorm"})["ok"]
        ids: dict[str, str] = {}
        for row in rows:
            ids[row["id"]] = new_note_id()
            ack = phones[row["viewpoint"]].send(
                "note:add", {"note_id": ids[row["id"]], "kind": row["kind"], "text": row["text"]}
            )
            assert ack["ok"], ack
        assert facilitator.send("phase:set", {"phase": "cluster"})["ok"]
        for theme, title in SCREENSHOT_CLUSTERS:
            members = [ids[row["id"]] for row in rows if row["cluster"] == theme]
            ack = facilitator.send(
                "cluster:create", {"cluster_id": new_note_id(), "title": title, "note_ids": members}
            )
            assert ack["ok"], ack
        # Some +1s from the other groups.
        for row_id, slugs in [
            ("d01", ["shared-service", "leveranciers"]),
            ("d05", ["leveranciers"]),
        ]:
            for slug in slugs:
                ack = phones[slug].send("note:endorse", {"note_id": ids[row_id], "endorsed": True})
                assert ack["ok"], ack
    finally:
        for client in (facilitator, *phones.values()):
            client.close()

    context = browser.new_context(**CONSOLE)
    console = context.new_page()
    second = live_server.cli("facilitator", "link", "facilitator@denktank.local")
    console.goto(second.stdout.strip().splitlines()[-1])
    console.goto(info["console_url"])
    expect(console.locator("#conn")).to_have_attribute("data-status", "online")
    board = console.locator("#cluster-board")
    expect(board.locator(".cluster")).to_have_count(len(SCREENSHOT_CLUSTERS))
    privacy = _cluster(console, "Privacy en AVG")
    expect(privacy.locator(".cluster__raised")).to_contain_text(
        re.compile(r"Raised by Gemeenten, Shared Service .*, and Leveranciers")
    )
    expect(privacy.locator(".cnote__plus").first).to_have_text("+1 · 2")
    # Two unclustered notes selected, to show the selection bar.
    lane_notes = board.locator(".lane__notes > .cnote")
    lane_notes.nth(0).click()
    lane_notes.nth(2).click(modifiers=["Shift"])
    expect(console.locator("#cboard-selbar")).to_contain_text("3 notes selected")
    console.mouse.move(5, 5)
    console.wait_for_timeout(1800)  # let the arrival animations settle
    console.screenshot(path=str(screenshot_dir(tmp_path) / "console-clustering.png"))
    context.close()


def test_viewpoint_scope_keeps_clusters_within_a_viewpoint(
    browser: Browser, live_server: LiveServer
) -> None:
    info, login = _new_workshop(live_server, "sessions/retro-remote-work-en.yaml")
    facilitator = WorkshopClient.facilitator(live_server.url, login, info["id"]).connect()
    assert facilitator.send("phase:set", {"phase": "brainstorm"})["ok"]
    texts: dict[int, list[str]] = {}
    for n in range(2):  # the plan places people automatically: one per viewpoint
        phone = WorkshopClient.join(live_server.url, info["join_code"]).connect()
        viewpoint = phone.snapshot["me"]["viewpoint_id"]
        texts[viewpoint] = [f"Idea {n + 1}.{k + 1}: focus time at home" for k in range(3)]
        for text in texts[viewpoint]:
            assert phone.send("note:add", {"note_id": new_note_id(), "kind": "risk", "text": text})[
                "ok"
            ]
        phone.close()
    assert len(texts) == 2
    assert facilitator.send("phase:set", {"phase": "cluster"})["ok"]

    context = browser.new_context(**CONSOLE)
    console = context.new_page()
    console.goto(
        live_server.cli("facilitator", "link", "facilitator@denktank.local").stdout.strip()
    )
    console.goto(info["console_url"])
    expect(console.locator("#conn")).to_have_attribute("data-status", "online")
    columns = console.locator("#cluster-board .ccol")
    expect(columns).to_have_count(2)
    team = columns.nth(0)
    other = columns.nth(1)
    team_texts = texts[min(texts)]  # viewpoints are listed in creation order
    other_texts = texts[max(texts)]
    expect(team.locator(".lane__notes > .cnote")).to_have_count(3)

    # Drop one note onto another in the same column: a cluster of that viewpoint.
    _drag(console, _note(console, team_texts[1]), _note(console, team_texts[0]))
    expect(team.locator(".cluster")).to_have_count(1)
    expect(team.locator(".cluster .cnote")).to_have_count(2)
    first = team.locator(".cluster").first
    first.locator(".cluster__name").click()
    first.get_by_role("textbox", name="Cluster name").fill("Focus")
    console.keyboard.press("Enter")

    # The keyboard "Move to…" offers only this viewpoint's clusters.
    _note(console, other_texts[0]).focus()
    console.keyboard.press("m")
    menu = console.get_by_role("menu")
    expect(menu.get_by_role("menuitem", name=re.compile("Focus"))).to_have_count(0)
    console.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(_note(console, other_texts[0])).to_be_focused()

    # A note of the other viewpoint cannot be dragged into this viewpoint's cluster.
    _drag(console, _note(console, other_texts[1]), first.locator(".cluster__notes"), fy=0.9)
    expect(first.locator(".cnote")).to_have_count(2)
    expect(other.locator(".lane__notes > .cnote")).to_have_count(3)

    # A second cluster (keyboard: New cluster), reordered with Alt+Up, then merged by dragging.
    _note(console, team_texts[2]).focus()
    console.keyboard.press("m")
    console.get_by_role("menu").get_by_role("menuitem", name="New cluster").press("Enter")
    expect(team.locator(".cluster")).to_have_count(2)
    names = team.locator(".cluster__name")
    expect(names).to_have_text(["Focus", "Untitled cluster"])
    names.nth(1).focus()
    console.keyboard.press("Alt+ArrowUp")
    expect(names).to_have_text(["Untitled cluster", "Focus"])
    _drag(
        console,
        _cluster(console, "Untitled cluster").locator(".cluster__head"),
        _cluster(console, "Focus"),
    )
    dialog = console.get_by_role("dialog", name=re.compile("Merge"))
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Merge").click()
    expect(team.locator(".cluster")).to_have_count(1)
    expect(_cluster(console, "Focus").locator(".cnote")).to_have_count(3)

    # Dissolve with Delete (confirmed), and undo it: the cluster comes back whole.
    _cluster(console, "Focus").locator(".cluster__name").focus()
    console.keyboard.press("Delete")
    console.get_by_role("dialog", name=re.compile("Dissolve")).get_by_role(
        "button", name="Dissolve"
    ).click()
    expect(team.locator(".cluster")).to_have_count(0)
    expect(team.locator(".lane__notes > .cnote")).to_have_count(3)
    console.get_by_role("button", name=re.compile("^Undo")).click()
    expect(_cluster(console, "Focus").locator(".cnote")).to_have_count(3)
    assert _server_clusters(facilitator) == {"Focus": team_texts}
    facilitator.close()
    context.close()
