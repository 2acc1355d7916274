"""The console after erasing a participant's notes: their dots leave the proxy ballots and the
voting progress matches the server's.

Phones and the facilitator's commands go through the Python protocol client; the console is a
real browser. Anna's note carries a phone's dot and a proxy's dots; the facilitator removes
Anna's notes; the open console shows neither the note nor the votes on it, and its progress
equals the server's snapshot.
"""

from __future__ import annotations

import re
import time
from typing import Any

from playwright.sync_api import Browser, Page

from tests.browser.conftest import CONSOLE
from tests.support.processes import LiveServer
from workshop.client import WorkshopClient, new_note_id
from workshop.commands import DEMO_FACILITATOR


def test_erasure_reaches_the_open_console(browser: Browser, live_server: LiveServer) -> None:
    demo = live_server.cli("demo")
    login = re.search(r"one-time login link\): (\S+)", demo.stdout)
    code = re.search(r"join code (\S+)", demo.stdout)
    assert login and code, demo.stdout
    workshop_id = int(re.search(r"/console/workshops/(\d+)", login.group(1)).group(1))  # type: ignore[union-attr]
    facilitator = WorkshopClient.facilitator(live_server.url, login.group(1), workshop_id)
    facilitator.connect()
    phones: list[WorkshopClient] = []
    try:
        assert facilitator.send("phase:set", {"phase": "brainstorm"})["ok"]
        anna, bram = (
            WorkshopClient.join(live_server.url, code.group(1), name=name, viewpoint="gemeenten")
            for name in ("Anna", "Bram")
        )
        phones += [anna.connect(), bram.connect()]
        hers = new_note_id()
        assert anna.send("note:add", {"note_id": hers, "kind": "risk", "text": "Lock-in"})["ok"]
        snapshot = facilitator.fetch_snapshot()
        viewpoint = next(vp["id"] for vp in snapshot["viewpoints"])
        proxy = facilitator.send("proxy:add", {"display_name": "Mayor", "viewpoint_id": viewpoint})
        assert proxy["ok"]
        assert facilitator.send("phase:set", {"phase": "vote"})["ok"]
        proxy_id = facilitator.fetch_snapshot()["proxies"][0]["id"]
        dot = {"target_type": "note", "target_id": hers}
        assert bram.send("vote:add", dot)["ok"]
        for _ in range(2):
            assert facilitator.send("vote:add", {**dot, "participant_id": proxy_id})["ok"]

        link = live_server.cli("facilitator", "link", DEMO_FACILITATOR).stdout.strip()
        page = browser.new_context(**CONSOLE).new_page()
        page.goto(link)
        page.wait_for_url(re.compile(r"/console/"))
        page.goto(f"{live_server.url}/console/workshops/{workshop_id}?lang=en")
        state = "window.denktankConsole.rt.state"
        _until(page, f"JSON.stringify({state}?.proxy_votes || []).includes('{hers}')")

        anna_id = anna.fetch_snapshot()["me"]["participant_id"]
        assert facilitator.send("participant:remove_notes", {"participant_id": anna_id})["ok"]
        truth = facilitator.fetch_snapshot()["voting"]["progress"]
        _until(
            page,
            f"!JSON.stringify({state}.proxy_votes || []).includes('{hers}')"
            f" && !({state}.notes || []).some((n) => n.id === '{hers}')",
        )
        shown: Any = page.evaluate(f"{state}.voting.progress")
        assert shown == truth
        assert not (truth.get("voted") or {})  # Bram's only dot went with the note
    finally:
        for client in (facilitator, *phones):
            client.close()


def _until(page: Page, expression: str, timeout: float = 10.0) -> None:
    """Wait until ``expression`` is true in the page (evaluated from here: the page's CSP
    forbids the string evaluation Playwright's own polling would need)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"not true within {timeout} s: {expression}"
        time.sleep(0.1)
