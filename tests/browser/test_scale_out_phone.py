"""A phone page on one process catches up on a note another process stored during a Redis outage.

While Redis is down, nothing reaches process B from process A, and the phone on B receives no
later fact that would reveal the gap: only the seq heartbeat (`seq:latest`) tells realtime.js
that it is behind, and it syncs.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.integration.test_live_server import demo_links
from tests.integration.test_scale_out import (  # noqa: F401 - pytest fixtures
    pg_url,
    private_redis,
    start_pair,
)
from tests.support.page_weight import PHONE
from tests.support.redis_server import RedisServer
from workshop.client import WorkshopClient, new_note_id


def test_phone_page_catches_up_after_a_redis_outage(
    browser: Browser,
    tmp_path: Path,
    pg_url: str,  # noqa: F811 - the fixture imported above
    private_redis: RedisServer,  # noqa: F811 - the fixture imported above
) -> None:
    a, b = start_pair(tmp_path, pg_url, private_redis.url)
    links = demo_links(a)
    console = WorkshopClient.facilitator(a.url, links["login"], 1).connect()
    writer = WorkshopClient.join(a.url, links["code"], viewpoint="gemeenten").connect()
    context = browser.new_context(**PHONE)
    try:
        assert console.send("phase:set", {"phase": "brainstorm"})["ok"]
        page = context.new_page()
        page.goto(f"{b.url}/j/{links['code']}?lang=en")
        page.get_by_role("button", name=re.compile("^Gemeenten")).click()
        expect(page.locator("#group-name")).to_have_text("Gemeenten")
        notes = page.locator("#note-list .note__text")

        # With Redis up, a note from process A reaches the phone on B at once.
        note = {"note_id": new_note_id(), "kind": "risk", "text": "Via Redis"}
        assert writer.send("note:add", note)["ok"]
        expect(notes).to_have_text(["Via Redis"])

        private_redis.stop()
        note = {"note_id": new_note_id(), "kind": "risk", "text": "Tijdens de storing"}
        assert writer.send("note:add", note)["ok"]
        expect(notes).to_have_text(["Tijdens de storing", "Via Redis"], timeout=15_000)
    finally:
        context.close()
        console.close()
        writer.close()
        a.stop()
        b.stop()
