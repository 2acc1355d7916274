"""The facilitator runs the room from the live console; phones and the projector follow.

Set WORKSHOP_SCREENSHOTS=docs/screenshots to refresh console.png and console-settings.png.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import CONSOLE, PHONE, WALL, screenshot_dir
from tests.support.processes import LiveServer
from workshop.client import WorkshopClient, new_note_id

SSO = "Shared Service Organisatie (in eigendom van gemeenten)"

# Who is in the room (name, viewpoint slug) and what they post (kind, text).
ROOM: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "Anna de Vries",
        "gemeenten",
        [
            (
                "risk",
                "Privacy van burgergegevens: waar staan de BRP-gegevens straks, en wie kan erbij?",
            )
        ],
    ),
    (
        "Pieter Jansen",
        "gemeenten",
        [
            ("consequence", "Minder eigen systeembeheerders; hun rol verschuift naar regie."),
            (
                "risk",
                "Vendor lock-in: overstappen naar een andere leverancier wordt duur en traag.",
            ),
        ],
    ),
    (
        "",
        "gemeenten",
        [("risk", "Wetgeving loopt achter: wie is verantwoordelijk bij een datalek?")],
    ),
    (
        "Joost Smit",
        "gemeenten",  # picked the wrong group; the facilitator moves him
        [("risk", "De verdeelsleutel van de kosten tussen gemeenten geeft discussie.")],
    ),
    (
        "Lotte Mulder",
        "shared-service",
        [
            (
                "consequence",
                "De SSO wordt regisseur in plaats van uitvoerder: andere kennis nodig.",
            ),
            ("risk", "Besluitvorming met veel gemeenten tegelijk vertraagt de migratie."),
        ],
    ),
    (
        "Eva de Boer",
        "leveranciers",
        [
            (
                "consequence",
                "Schaalgrootte maakt standaardisatie aantrekkelijk; maatwerk wordt duurder.",
            ),
            ("risk", "Eén leverancier voor vele gemeenten maakt ons een aantrekkelijk doelwit."),
        ],
    ),
    (
        "Tom Meijer",
        "leveranciers",
        [("consequence", "Het verdienmodel schuift van licenties naar abonnementen.")],
    ),
]
OFF_TOPIC = "Wie wil er na afloop nog koffie? Ik trakteer!"
PHONE_NOTE = "Aansprakelijkheid bij storingen is niet goed geregeld in de SLA."
PROXY_NOTE = "Exit-strategie en terugmigreren vooraf afspreken in het contract."


def _note(page: Page, text: str) -> Locator:
    return page.locator("li.note", has_text=text)


def test_facilitator_runs_phase_timer_moderation_and_proxy_notes_live(
    browser: Browser, live_server: LiveServer, tmp_path: Path
) -> None:
    demo = live_server.cli("demo")
    assert demo.returncode == 0, demo.stderr
    login = re.search(r"one-time login link\): (\S+)", demo.stdout)
    join = re.search(r"Participants join:\s+(\S+)", demo.stdout)
    projector = re.search(r"Projector:\s+(\S+)", demo.stdout)
    code = re.search(r"join code ([A-Z0-9]{6})", demo.stdout)
    assert login and join and projector and code, demo.stdout
    shots = screenshot_dir(tmp_path)

    console_context = browser.new_context(**CONSOLE)
    requested: list[str] = []
    console_context.on("request", lambda request: requested.append(request.url))
    console = console_context.new_page()
    console.goto(login.group(1))
    expect(console.get_by_role("heading", name="Cloudstrategie voor gemeenten")).to_be_visible()
    console.reload()  # drops the "logged in" message, for tidy screenshots
    expect(console.locator("#conn")).to_have_attribute("data-status", "online")
    expect(console.locator('#stepper [data-phase="lobby"]')).to_have_attribute(
        "aria-current", "step"
    )

    # Lobby: the notes should be readable on the wall during the brainstorm (the demo hides them).
    console.get_by_role("button", name="Settings").click()
    drawer = console.locator("#settings")
    expect(drawer).to_be_visible()
    hide_until_share = console.get_by_role("checkbox", name="Hide notes until the share phase")
    expect(hide_until_share).to_be_checked()
    hide_until_share.uncheck()
    expect(console.locator("#settings-dirty")).to_be_visible()
    # Viewpoints and kinds are editable in the lobby.
    expect(console.get_by_label("Name", exact=True).first).to_be_enabled()
    expect(console.locator("#set-structure-lock")).to_be_hidden()
    console.locator("#settings .drawer__body").evaluate(
        "body => { body.scrollTop += body.querySelector('#set-privacy').getBoundingClientRect().top"
        " - body.getBoundingClientRect().top - 16; }"
    )
    console.wait_for_timeout(300)
    console.screenshot(path=str(shots / "console-settings.png"))
    console.get_by_role("button", name="Save changes").click()
    expect(console.locator("#settings-message")).to_contain_text("Settings saved")
    expect(console.locator("#settings-dirty")).to_be_hidden()
    console.keyboard.press("Escape")
    expect(drawer).to_be_hidden()

    # The room joins: phones through the protocol client, and one real phone.
    people: list[tuple[WorkshopClient, list[tuple[str, str]]]] = []
    for name, slug, notes in ROOM:
        client = WorkshopClient.join(live_server.url, code.group(1), name=name, viewpoint=slug)
        people.append((client.connect(), notes))
    phone_context = browser.new_context(**PHONE)
    phone = phone_context.new_page()
    phone.goto(join.group(1) + "?lang=en")
    phone.get_by_label("Your name (optional)").fill("Mark Visser")
    phone.get_by_role("button", name=re.compile("^Leveranciers")).click()
    expect(phone.locator("#group-name")).to_have_text("Leveranciers")

    wall_context = browser.new_context(**WALL)
    wall = wall_context.new_page()
    wall.goto(projector.group(1))
    expect(wall.locator("#pj-phase")).to_have_text("Lobby")

    expect(console.locator("#people-total")).to_have_text(str(len(ROOM) + 1))
    expect(console.locator("#people-list .person")).to_have_count(len(ROOM) + 1)
    counts = console.locator("#counts .counts__n")
    expect(counts).to_have_text(["4", "1", "3", "0"])  # Gemeenten, SSO, Leveranciers, unplaced
    # Joost picked the wrong group: move him.
    console.get_by_label("Viewpoint of Joost Smit").select_option(label=SSO)
    expect(counts).to_have_text(["3", "2", "3", "0"])

    # Brainstorm, with the timer: the phone and the wall follow at once.
    console.get_by_role("button", name="Next: Brainstorm").click()
    expect(console.locator('#stepper [data-phase="brainstorm"]')).to_have_attribute(
        "aria-current", "step"
    )
    expect(console.get_by_role("spinbutton", name="Timer length in minutes")).to_have_value("25")
    console.get_by_role("button", name="Start").click()
    expect(console.locator("#timer")).to_have_attribute("data-state", "running")
    expect(console.locator("#timer-time")).to_have_text(re.compile(r"^2[45]:\d\d$"))
    expect(phone.get_by_label("Your note")).to_be_enabled()
    expect(phone.locator("#timer")).to_be_visible()
    expect(phone.locator("#timer")).to_contain_text(re.compile(r"2[45]:\d\d"))
    expect(wall.locator("#pj-phase")).to_have_text("Brainstorm")
    expect(wall.locator("#pj-timer")).to_be_visible()
    expect(wall.locator("#pj-timer-time")).to_have_text(re.compile(r"^2[45]:\d\d$"))

    # Notes arrive from the room.
    for client, notes in people:
        for kind, text in notes:
            assert client.send("note:add", {"note_id": new_note_id(), "kind": kind, "text": text})[
                "ok"
            ]
    assert people[2][0].send(
        "note:add", {"note_id": new_note_id(), "kind": "risk", "text": OFF_TOPIC}
    )["ok"]
    box = phone.get_by_label("Your note")
    box.fill(PHONE_NOTE)
    box.press("Enter")
    total = sum(len(notes) for _name, _slug, notes in ROOM) + 2
    expect(console.locator("li.note")).to_have_count(total)
    expect(_note(console, PHONE_NOTE)).to_contain_text("Mark Visser")
    expect(wall.locator(".pj-note__text", has_text=OFF_TOPIC)).to_be_visible()

    # Moderation: the facilitator hides the off-topic note; it leaves the wall, stays listed here.
    _note(console, OFF_TOPIC).get_by_role("button", name="Hide from the room").click()
    expect(_note(console, OFF_TOPIC)).to_have_class(re.compile(r"\bis-hidden\b"))
    expect(_note(console, OFF_TOPIC)).to_contain_text("Hidden from the room")
    expect(_note(console, OFF_TOPIC).get_by_role("button", name="Restore")).to_be_visible()
    expect(wall.locator(".pj-note__text", has_text=OFF_TOPIC)).to_have_count(0)
    expect(wall.locator(".pj-note__text", has_text=PHONE_NOTE)).to_be_visible()

    # Inline edit of a participant's note.
    lock_in = _note(console, "Vendor lock-in")
    lock_in.get_by_role("button", name="Edit").click()
    editor = lock_in.get_by_role("textbox", name="Note text")
    editor.fill(
        "Vendor lock-in: overstappen naar een andere leverancier wordt duur, traag en riskant."
    )
    editor.press("Control+Enter")
    expect(lock_in).to_contain_text("traag en riskant")
    expect(wall.locator(".pj-note__text", has_text="traag en riskant")).to_be_visible()

    # Proxy input: a note on behalf of the room, for the Leveranciers column.
    console.locator("#proxy-viewpoint").select_option(label="Leveranciers")
    console.get_by_role("radio", name="Gevolg").check()
    console.locator("#proxy-text").fill(PROXY_NOTE)
    console.locator("#proxy-text").press("Enter")
    expect(console.locator("#proxy-text")).to_have_value("")
    proxy = _note(console, PROXY_NOTE)
    expect(proxy).to_contain_text("Facilitator")
    expect(proxy).to_contain_text("Gevolg")
    leveranciers = console.locator(
        ".vp-col", has=console.get_by_role("heading", name="Leveranciers")
    )
    expect(leveranciers.locator("li.note", has_text=PROXY_NOTE)).to_have_count(1)
    expect(wall.locator(".pj-note__text", has_text=PROXY_NOTE)).to_be_visible()

    # Closing needs a confirmation; cancelling changes nothing.
    console.locator('#stepper [data-phase="closed"]').click()
    dialog = console.get_by_role("dialog", name="Close the workshop?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(console.locator('#stepper [data-phase="brainstorm"]')).to_have_attribute(
        "aria-current", "step"
    )

    # A reload rebuilds the same console from a snapshot (and drops the login message).
    console.reload()
    expect(console.locator("#conn")).to_have_attribute("data-status", "online")
    expect(console.locator("li.note")).to_have_count(total + 1)
    expect(console.locator("li.note.is-hidden")).to_have_count(1)
    console.wait_for_timeout(2000)  # let the entry animations settle
    console.screenshot(path=str(shots / "console.png"))

    # After the lobby, viewpoints and kinds are locked, with the reason shown.
    console.get_by_role("button", name="Settings").click()
    expect(console.locator("#set-structure-lock")).to_be_visible()
    expect(console.get_by_label("Name", exact=True).first).to_be_disabled()
    expect(console.get_by_label("Title")).to_have_value("Cloudstrategie voor gemeenten")

    console.get_by_role("button", name="Close settings").click()
    expect(console.locator("#settings")).to_be_hidden()

    # The projector: a window for an extended display, or this tab for a mirrored one.
    with console.expect_popup() as popup_info:
        console.get_by_role("link", name="Open projector window").click()
    popup = popup_info.value
    expect(popup.locator("#pj-phase")).to_have_text("Brainstorm")
    popup.close()
    console.get_by_role("link", name="Present here").click()
    expect(console).to_have_url(re.compile(r"/projector/\d+\?.*present=1"))
    expect(console.locator("#pj-phase")).to_have_text("Brainstorm")
    console.go_back()
    expect(console.locator("#conn")).to_have_attribute("data-status", "online")

    # Share: spotlight one viewpoint on the wall, then all again.
    console.get_by_role("button", name="Next: Share").click()
    spotlight = console.get_by_role("group", name="Spotlight on the projector")
    expect(spotlight).to_be_visible()
    spotlight.get_by_role("button", name="Leveranciers").click()
    expect(spotlight.get_by_role("button", name="Leveranciers")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(wall.locator("#projector")).to_have_class(re.compile(r"\bhas-spotlight\b"))
    spotlight.get_by_role("button", name="All viewpoints").click()
    expect(wall.locator("#projector")).not_to_have_class(re.compile(r"\bhas-spotlight\b"))

    # Nothing came from another host.
    assert requested and all(url.startswith(live_server.url) for url in requested), requested
    for client, _notes in people:
        client.close()
    for context in (console_context, phone_context, wall_context):
        context.close()
