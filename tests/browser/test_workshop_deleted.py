"""A deleted workshop: the phone, the wall and the console say so and stop reconnecting.

The facilitator deletes the demo workshop in the console while a phone (390×844), the wall and
a second console tab are open. Each replaces its live view with the translated notice on the
``workshop:deleted`` signal, and none of them opens a new socket afterwards (a refused reconnect
would only say "not found"). Screenshots in WORKSHOP_SCREENSHOTS when set.
"""

from __future__ import annotations

import re
import time

from playwright.sync_api import Browser, WebSocket, expect

from tests.browser.conftest import CONSOLE, PHONE, WALL, screenshot_dir
from tests.support.processes import LiveServer

DELETED = "This workshop was deleted"


def test_every_screen_shows_the_deleted_workshop_and_stays_quiet(
    browser: Browser, live_server: LiveServer, tmp_path_factory: object
) -> None:
    demo = live_server.cli("demo")
    assert demo.returncode == 0, demo.stderr
    login = re.search(r"one-time login link\): (\S+)", demo.stdout)
    wall_url = re.search(r"Projector:\s+(\S+)", demo.stdout)
    join_url = re.search(r"Participants join:\s+(\S+)", demo.stdout)
    code = re.search(r"join code (\S+)", demo.stdout)
    assert login and wall_url and join_url and code, demo.stdout
    shots = screenshot_dir(tmp_path_factory.mktemp("deleted"))  # type: ignore[attr-defined]

    console_context = browser.new_context(**CONSOLE)
    console = console_context.new_page()
    console.goto(login.group(1))
    console.wait_for_url(re.compile(r"/console/workshops/\d+"))
    workshop_url = console.url.split("?")[0]
    console.goto(workshop_url + "?lang=en")
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(join_url.group(1) + "?lang=en")
    phone.get_by_role("button", name=re.compile("^Gemeenten")).click()
    expect(phone.locator("#group-name")).to_be_visible()
    wall = browser.new_context(**WALL).new_page()
    wall.goto(wall_url.group(1) + ("&" if "?" in wall_url.group(1) else "?") + "lang=en")
    screens = {"phone": phone, "wall": wall, "console": console}
    for page in screens.values():
        expect(page.locator("[data-status]").first).not_to_have_attribute(
            "data-status", "connecting"
        )
    time.sleep(1.0)  # every socket is live and synced

    opened: list[str] = []

    def count(name: str) -> None:
        def on_socket(_socket: WebSocket) -> None:
            opened.append(name)

        screens[name].on("websocket", on_socket)

    for name in screens:
        count(name)

    deleter = console_context.new_page()
    deleter.goto(workshop_url + "/delete?lang=en")
    deleter.locator("#delete-form input[type=text]").fill(code.group(1))
    deleter.locator("#delete-form button[type=submit]").click()
    deleter.wait_for_load_state()

    for name, page in screens.items():
        notice = page.locator(".deleted-notice")
        expect(notice.get_by_role("heading", name=DELETED)).to_be_visible(timeout=10_000)
        expect(notice).to_contain_text("You can close this page.")
        assert page.locator("body > :not(script):not(.deleted-notice):visible").count() == 0, name
    phone.screenshot(path=str(shots / "deleted-phone.png"))
    wall.screenshot(path=str(shots / "deleted-wall.png"))
    console.screenshot(path=str(shots / "deleted-console.png"))
    # Past the socket's own reconnection delays (0.5–5 s): nobody tried again.
    time.sleep(6)
    assert opened == [], opened
    stored = phone.evaluate(
        "Object.keys(localStorage).filter((k) => k.startsWith('denktank:outbox'))"
    )
    assert stored == []
