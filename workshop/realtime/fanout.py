"""Fan-out: send each audience room its facts, a burst of them as one message.

Every client must see every seq, so a vote storm (500 phones × 5 dots in a second) used to be
2,500 facts × every client = over a million websocket messages. Here the facts of one room that
are committed close together leave as one ``facts`` message (``[[name, payload], ...]`` in seq
order): the first fact of a quiet room goes out at once, and whatever arrives while that is being
sent or during the window after it waits for the next flush. One background task flushes at a
time, so the messages of a room leave in the order their facts were queued; within a message the
facts are sorted by seq, which also undoes two commands whose broadcasts overtook each other.
With a message queue each flush is one emit per room, so one Redis message per room.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from workshop.realtime import names
from workshop.realtime.server import socketio

log = logging.getLogger(__name__)

Fact = tuple[str, dict[str, Any]]

# A burst after a long stall (or a replayed backlog) must not become one huge frame: clients parse
# a message at once, and a phone should get to draw between them.
MAX_FACTS_PER_MESSAGE = 200

# While the server is busy (a vote storm) every flush costs a frame per client, and the time
# spent sending is taken from the commands still queued. So the wait after a flush grows with
# how long the flush and its writers kept the loop busy, up to this much: fewer, larger batches
# when the room is loud, the configured window when it is quiet.
MAX_WINDOW_S = 0.25


def emit_facts(room: str, facts: list[Fact]) -> None:
    """Send facts to a room: a lone fact as its own event, several as ``facts`` batches."""
    for start in range(0, len(facts), MAX_FACTS_PER_MESSAGE):
        chunk = facts[start : start + MAX_FACTS_PER_MESSAGE]
        if len(chunk) == 1:
            name, payload = chunk[0]
            socketio.emit(name, payload, to=room)
        else:
            socketio.emit(names.FACTS_BATCH, [[name, payload] for name, payload in chunk], to=room)


class RoomBatcher:
    """Facts waiting per room, flushed by one background task at a time."""

    def __init__(self, send: Callable[[str, list[Fact]], None] = emit_facts) -> None:
        self._send = send
        self._lock = threading.Lock()
        self._pending: dict[str, list[tuple[int, str, dict[str, Any]]]] = {}
        self._flushing = False
        self._window_s = 0.0

    def add(self, seq: int, facts: list[tuple[str, str, dict[str, Any]]], window_s: float) -> None:
        """Queue one committed fact (``(room, name, payload)`` per room); make sure it goes."""
        with self._lock:
            for room, name, payload in facts:
                self._pending.setdefault(room, []).append((seq, name, payload))
            self._window_s = window_s
            if self._flushing:
                return
            self._flushing = True
        socketio.start_background_task(self._run)

    def _run(self) -> None:
        # Flush what is there (at first: the fact that woke us), then wait one window for more;
        # stop after a window in which nothing arrived. The next fact starts a new task.
        try:
            while True:
                with self._lock:
                    batches, self._pending = self._pending, {}
                    if not batches:
                        self._flushing = False
                        return
                    window_s = self._window_s
                started = time.monotonic()
                for room, entries in batches.items():
                    entries.sort(key=lambda entry: entry[0])
                    try:
                        self._send(room, [(name, payload) for _seq, name, payload in entries])
                    except Exception:  # a lost message: clients notice the gap and sync
                        log.exception("sending %d facts to %s failed", len(entries), room)
                # Yield once, so the sockets' writers (and whatever else is ready) run; how long
                # that took says how busy the loop is.
                socketio.sleep(0)
                busy_s = time.monotonic() - started
                socketio.sleep(max(window_s, min(MAX_WINDOW_S, busy_s)))
        except BaseException:
            # Killed (shutdown): let the next fact start a new task rather than wait forever.
            with self._lock:
                self._flushing = False
            raise


BATCHER = RoomBatcher()
