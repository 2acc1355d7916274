"""A throttled phone waits as long as the server asks (``retry_after``) and loses nothing.

A server with a tiny command bucket (3 at once, then one a second); a phone posts ten notes in a
row. The refused ones stay in its outbox and go again, each not before the ``retry_after`` its
refusal named (the plain back-off alone tries again after 0.5–1 s, often too early), and all
ten are stored once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import PHONE
from tests.conftest import BACKEND
from tests.support.postgres import new_database
from tests.support.processes import LiveServer, workshop_env
from workshop.client import WorkshopClient

RECORD_FRAMES = """
window.denktankFrames = [];
const NativeSocket = window.WebSocket;
window.WebSocket = class extends NativeSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", (event) => {
      window.denktankFrames.push(["in", performance.now(), String(event.data)]);
    });
  }
  send(data) {
    window.denktankFrames.push(["out", performance.now(), String(data)]);
    return super.send(data);
  }
};
"""
NOTES = [f"Risico nummer {n}: de planning loopt uit" for n in range(1, 11)]


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server whose phones may send 3 commands at once, then one a second."""
    instance = tmp_path_factory.mktemp("throttle") / "instance"
    with ExitStack() as stack:
        url = f"sqlite:///{instance / 'workshop.db'}"
        if BACKEND == "postgresql":
            url = stack.enter_context(new_database("denktank_throttle"))
        env = workshop_env(
            instance, url, WORKSHOP_COMMAND_BURST="3", WORKSHOP_COMMANDS_PER_SECOND="1"
        )
        server = LiveServer(env).start()
        stack.callback(server.stop)
        yield server


def test_a_throttled_phone_retries_after_retry_after_and_loses_nothing(
    browser: Browser, slow_server: LiveServer
) -> None:
    demo = slow_server.cli("demo")
    login = re.search(r"one-time login link\): (\S+)", demo.stdout)
    join = re.search(r"Participants join:\s+(\S+)", demo.stdout)
    assert login and join, demo.stdout
    workshop_id = int(re.search(r"/console/workshops/(\d+)", login.group(1)).group(1))  # type: ignore[union-attr]
    facilitator = WorkshopClient.facilitator(slow_server.url, login.group(1), workshop_id)
    facilitator.connect()
    try:
        assert facilitator.send("phase:set", {"phase": "brainstorm"})["ok"]
        page = browser.new_context(**PHONE).new_page()
        # The browser's own clock for every websocket frame (Playwright's events reach Python
        # only while it runs a Playwright call, too late to time them).
        page.add_init_script(RECORD_FRAMES)
        page.goto(join.group(1) + "?lang=en")
        page.get_by_role("button", name=re.compile("^Gemeenten")).click()
        box = page.get_by_label("Your note")
        for text in NOTES:
            box.fill(text)
            box.press("Enter")
            expect(box).to_have_value("")

        facilitator.wait_for(lambda c: all(t in c.visible_texts() for t in NOTES), timeout=60)
        sent, refused = _note_adds(page.evaluate("window.denktankFrames"))
        assert refused, "the tiny bucket never refused: the test proves nothing"
        for when, op_id, retry_after in refused:
            again = [at for at, sent_op in sent if sent_op == op_id and at > when]
            assert again, f"{op_id} was refused and never sent again"
            # Both times from the page's clock; 20 ms for timer granularity.
            assert again[0] - when >= retry_after * 1000 - 20, (again[0] - when, retry_after)
        stored = [n for n in facilitator.visible_texts() if n in NOTES]
        assert sorted(stored) == sorted(NOTES)  # each once, none lost
    finally:
        facilitator.close()


def _note_adds(
    frames: list[list[Any]],
) -> tuple[list[tuple[float, str]], list[tuple[float, str, float]]]:
    """(when, op_id) of every note:add sent; (when, op_id, retry_after) of every throttling."""
    sent: list[tuple[float, str]] = []
    refused: list[tuple[float, str, float]] = []
    in_flight: dict[str, str] = {}  # Socket.IO ack id → op_id
    for direction, when, text in frames:
        if direction == "out" and (match := re.match(r'^42(\d+)\["note:add",(.*)\]$', text)):
            in_flight[match.group(1)] = json.loads(match.group(2))["op_id"]
            sent.append((when, in_flight[match.group(1)]))
        elif direction == "in" and (match := re.match(r"^43(\d+)\[(.*)\]$", text)):
            ack = json.loads(match.group(2))
            if match.group(1) in in_flight and ack.get("code") == "rate_limited":
                refused.append((when, in_flight[match.group(1)], float(ack["retry_after"])))
    return sent, refused
