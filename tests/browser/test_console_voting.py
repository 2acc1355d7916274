"""The facilitator runs the vote from the console: progress, live tallies, a proxy, then results.

Set WORKSHOP_SCREENSHOTS=docs/screenshots to refresh console-voting.png and console-results.png.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import CONSOLE, DEMO_NOTES, screenshot_dir
from tests.support.processes import LiveServer
from workshop.client import WorkshopClient, new_note_id
from workshop.paths import DEMO_PLAN

GEMEENTEN = "Gemeenten"
# Cluster label of the demo notes → the title the facilitator gave it. Notes of the labels not
# listed stay unclustered (items of their own).
TITLES = {
    "privacy": "Privacy en AVG: waar staan de burgergegevens?",
    "lock-in": "Vendor lock-in en exit-strategie",
    "regie": "Regie op de leverancier en SLA's",
    "beveiliging": "Beveiliging: één leverancier, één doelwit",
    "beschikbaarheid": "Beschikbaarheid en storingen",
    "kosten": "Kosten en verdeelsleutel",
    "personeel": "Personeel: van beheer naar regie",
    "wetgeving": "Wetgeving loopt achter",
    "migratie": "Migratie: geen big bang",
    "verdienmodel": "Verdienmodel van leveranciers verschuift",
}
# Phones in the room per viewpoint (the posters included).
ROOM = {"gemeenten": 5, "shared-service": 4, "leveranciers": 4}


def _plan(tmp_path: Path) -> Path:
    """The demo plan with dot voting and risk scoring both on."""
    source = DEMO_PLAN.read_text(encoding="utf-8")
    plan = re.sub(r"(?m)^(\s*)mode: dots$", r"\1mode: both", source)
    assert "mode: both" in plan
    path = tmp_path / "plan.yaml"
    path.write_text(plan, encoding="utf-8")
    return path


def _notes() -> list[dict[str, str]]:
    with DEMO_NOTES.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _run(page: Page, script: str) -> None:
    """Send commands from the console's own realtime client and wait for every ack."""
    acks = page.evaluate(script)
    assert all(ack.get("ok") for ack in acks), acks


def _selected_proxy(page: Page) -> int:
    """The id of the proxy the console has selected."""
    return int(page.locator(".pperson[aria-pressed=true]").get_attribute("data-proxy") or 0)


def _vote(
    phone: WorkshopClient, target: tuple[str, str], dots: int, rating: tuple[int, int]
) -> None:
    kind, ident = target
    for _ in range(dots):
        ack = phone.send("vote:add", {"target_type": kind, "target_id": ident})
        assert ack["ok"], ack
    ack = phone.send(
        "risk:score",
        {"target_type": kind, "target_id": ident, "likelihood": rating[0], "impact": rating[1]},
    )
    assert ack["ok"], ack


def test_facilitator_runs_vote_with_proxy_and_reveals_results(
    browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    created = live_server.cli("new", str(_plan(tmp_path)), "--facilitator", "lead@example.org")
    assert created.returncode == 0, created.stderr
    code = re.search(r"Join code:\s+(\S+)", created.stdout)
    login = re.search(r"Facilitator login \(one-time\): (\S+)", created.stdout)
    assert code and login, created.stdout
    shots = screenshot_dir(tmp_path)

    # The room: phones per viewpoint; the first of each posts its viewpoint's demo notes.
    phones: dict[str, list[WorkshopClient]] = {}
    for slug, count in ROOM.items():
        phones[slug] = [
            WorkshopClient.join(
                live_server.url, code.group(1), name=f"{slug} {i}", viewpoint=slug
            ).connect()
            for i in range(count)
        ]
    notes = _notes()
    ids: dict[str, str] = {}
    console = browser.new_context(**CONSOLE).new_page()
    console.goto(login.group(1))
    console.reload()  # drops the "logged in" message, for tidy screenshots
    expect(console.locator("#conn")).to_have_attribute("data-status", "online")
    _run(
        console, "Promise.all([window.denktankConsole.rt.send('phase:set', {phase: 'brainstorm'})])"
    )
    for note in notes:
        ids[note["id"]] = new_note_id()
        ack = phones[note["viewpoint"]][0].send(
            "note:add", {"note_id": ids[note["id"]], "kind": note["kind"], "text": note["text"]}
        )
        assert ack["ok"], ack

    # Clusters, as the facilitator made them in the cluster phase; then voting opens.
    clusters = {label: new_note_id() for label in TITLES}
    creates = [
        "rt.send('cluster:create', "
        + json.dumps(
            {
                "cluster_id": clusters[label],
                "title": title,
                "note_ids": [ids[n["id"]] for n in notes if n["cluster"] == label],
            }
        )
        + ")"
        for label, title in TITLES.items()
    ]
    _run(
        console,
        "(async () => { const rt = window.denktankConsole.rt; const acks = [];"
        " acks.push(await rt.send('phase:set', {phase: 'cluster'}));"
        + "".join(f" acks.push(await {c});" for c in creates)
        + " acks.push(await rt.send('phase:set', {phase: 'vote'})); return acks; })()",
    )

    panel = console.locator("#voting")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("heading", name="Voting", exact=True)).to_be_visible()
    expect(console.locator("#voting-rules")).to_have_text(
        "Dot voting and risk scoring · 5 dots per person · at most 3 per item"
    )
    expect(console.locator("#voting-room-text")).to_have_text("progress only, no tallies")
    progress = console.locator(".vprog").filter(
        has=console.locator(".vprog__name", has_text=re.compile(f"^{GEMEENTEN}$"))
    )
    expect(progress).to_contain_text("0 of 5 voted · 0 done")

    # A person without a phone: the facilitator adds her and votes 3 dots on her behalf.
    proxies = console.get_by_role("complementary", name="Votes by proxy")
    proxies.get_by_label("Their name").fill("Henk Bakker")
    proxies.get_by_label("Viewpoint", exact=True).select_option(label=GEMEENTEN)
    proxies.get_by_role("button", name="Add person without a phone").click()
    ballot = console.locator("#vproxy-ballot")
    expect(ballot.get_by_role("heading", name="Voting for Henk Bakker")).to_be_visible()
    expect(console.locator("#ballot-left")).to_have_text("5 of 5 dots left · 0 of 17 rated")
    privacy = TITLES["privacy"]
    lock_in = TITLES["lock-in"]
    add_privacy = ballot.get_by_role("button", name=f"Add a dot to “{privacy}”")
    add_privacy.click()
    add_privacy.click()
    ballot.get_by_role("button", name=f"Add a dot to “{lock_in}”").press("Enter")
    expect(console.locator("#ballot-left")).to_contain_text("2 of 5 dots left")
    # The cap: a third dot is the most one item takes; the button says so by being disabled.
    add_privacy.click()
    expect(add_privacy).to_be_disabled()
    expect(console.locator("#ballot-left")).to_contain_text("1 of 5 dots left")
    # Had a second tab sent one more, the server's refusal shows in her ballot.
    console.evaluate(
        "([kind, id, pid]) => window.denktankConsole.rt.send('vote:add',"
        " {target_type: kind, target_id: id, participant_id: pid})",
        ["cluster", clusters["privacy"], _selected_proxy(console)],
    )
    # (Server messages follow the workshop's language, Dutch here.)
    expect(ballot.get_by_role("alert")).to_have_text(re.compile(r"^(At most|Hoogstens) 3 "))
    ballot.get_by_role("button", name=f"Take a dot back from “{privacy}”").click()
    expect(console.locator("#ballot-left")).to_contain_text("2 of 5 dots left")
    # Her likelihood and impact for the privacy cluster, with the keyboard-usable radios.
    item = ballot.locator(".pitem", has_text=privacy)
    item.get_by_role("group", name="Likelihood").get_by_role("radio", name="4").check()
    expect(item).to_contain_text("Choose both likelihood and impact")
    item.get_by_role("group", name="Impact").get_by_role("radio", name="5").check()
    expect(item).to_contain_text("Score 20")
    expect(console.locator("#ballot-left")).to_have_text("2 of 5 dots left · 1 of 17 rated")
    expect(console.locator(".pperson", has_text="Henk Bakker")).to_contain_text("2 of 5 dots left")

    # Live tallies (only the facilitator sees them) follow her dots.
    tally = console.locator("#vtally")
    expect(tally).to_contain_text("Only you see these")
    row = tally.locator("tbody tr", has_text=privacy)
    expect(row.locator(".vt-dots__n")).to_have_text("2")
    expect(tally.locator("tbody tr").first).to_contain_text(privacy)

    # Phones vote: progress per viewpoint and the tallies move; proxies are not counted.
    targets = [("cluster", clusters[label]) for label in TITLES]
    plan = [
        ("gemeenten", 0, [(0, 2, (4, 5)), (1, 3, (3, 4))]),
        ("gemeenten", 1, [(0, 3, (5, 5)), (5, 2, (2, 3))]),
        ("gemeenten", 2, [(2, 1, (3, 3))]),
        ("shared-service", 0, [(1, 3, (4, 4)), (2, 2, (4, 3)), (0, 0, (1, 2))]),
        ("shared-service", 1, [(6, 2, (2, 2)), (8, 3, (5, 4))]),
        ("leveranciers", 0, [(9, 3, (3, 2)), (3, 2, (2, 5))]),
        ("leveranciers", 1, [(0, 1, (1, 1)), (9, 2, (2, 1))]),
        ("leveranciers", 2, [(4, 2, (4, 4))]),
    ]
    for slug, index, votes in plan:
        for target, dots, rating in votes:
            _vote(phones[slug][index], targets[target], dots, rating)
    # Done = every dot used (rating is optional in mode "both"): two Gemeenten phones used 5.
    expect(progress).to_contain_text("3 of 5 voted · 2 done")
    expect(console.locator(".vprog", has_text="Leveranciers")).to_contain_text("3 of 4 voted")
    expect(row.locator(".vt-dots__n")).to_have_text("8")
    expect(tally.locator("tbody tr").first).to_contain_text(privacy)
    expect(row).to_contain_text("Room divided")
    console.locator("#vtally-status").wait_for()
    console.wait_for_timeout(1500)  # let the bars and flashes settle for the screenshot
    console.screenshot(path=str(shots / "console-voting.png"))

    # A look at the notes board (to moderate) and back.
    console.get_by_role("button", name="Notes board").click()
    expect(panel).to_be_hidden()
    expect(console.locator("#columns")).to_be_visible()
    console.get_by_role("button", name="Back to voting and results").click()
    expect(panel).to_be_visible()

    # Closing voting asks first; then the results are hidden until revealed.
    console.get_by_role("button", name="Close voting").click()
    dialog = console.get_by_role("dialog", name="Close voting?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Close voting").click()
    expect(console.locator('#stepper [data-phase="results"]')).to_have_attribute(
        "aria-current", "step"
    )
    expect(panel.get_by_role("heading", name="Results", exact=True)).to_be_visible()
    expect(console.locator("#voting-room-text")).to_have_text("results hidden")
    expect(console.locator("#vshow-text")).to_contain_text("hidden from the room")
    expect(console.locator("#vpreview figure")).to_be_visible()

    console.get_by_role("button", name="Reveal results").click()
    expect(console.locator("#voting-room-text")).to_have_text("Ranking")
    expect(console.locator("#voting-room")).to_have_attribute("data-state", "revealed")
    expect(console.get_by_role("button", name="Hide results")).to_be_visible()
    expect(console.locator("#vshow-text")).to_have_text("The projector shows this view.")

    # Preview another view, then put it on the projector.
    console.get_by_role("tab", name="Risk matrix").click()
    expect(console.get_by_role("tab", name="Risk matrix")).to_have_attribute(
        "aria-selected", "true"
    )
    expect(console.locator("#vshow-text")).to_have_text("The projector shows Ranking.")
    expect(console.locator("#voting-room-text")).to_have_text("Ranking")
    console.get_by_role("button", name="Show Risk matrix on the projector").click()
    expect(console.locator("#voting-room-text")).to_have_text("Risk matrix")
    expect(console.locator("#vshow-text")).to_have_text("The projector shows this view.")
    expect(console.locator("#vpreview")).to_contain_text(privacy)
    console.wait_for_timeout(1500)
    console.screenshot(path=str(shots / "console-results.png"))

    console.get_by_role("button", name="Hide results").click()
    expect(console.locator("#voting-room-text")).to_have_text("results hidden")
    for group in phones.values():
        for phone in group:
            phone.close()
    console.context.close()
