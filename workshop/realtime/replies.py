"""Answers per op id, per process: a command sent again waits for its first copy's answer.

A phone re-sends a command whose ack has not arrived within 8 s, with the same op id. In a
vote storm the first copy is often still queued then, so the server would do the work for it
and then for the copy (a write transaction that finds the duplicate, and a read for the
phone's own votes), and the extra work makes the next commands late too. Here the copy waits
for the first one's answer, and a copy arriving later gets the remembered answer: no database
work at all. The event log stays the truth: across processes and restarts ``events.claim``
still recognises a retried op id.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

# How long an answer is remembered, and for how many op ids at most (a few MB at most).
KEEP_S = 120.0
MAX_ENTRIES = 20_000


class _Pending:
    """One op id being answered: the answer once there is one."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.answer: dict[str, Any] | None = None
        self.finished_at = 0.0


Key = tuple[Any, ...]


class Replies:
    """Op ids being answered now or answered lately, with their answers."""

    def __init__(self) -> None:
        self._entries: OrderedDict[Key, _Pending] = OrderedDict()
        self._lock = threading.Lock()

    def claim(self, key: Key) -> tuple[bool, _Pending]:
        """(True, entry) for the first copy, which must call ``finish``; (False, entry) after.

        The key names the sender as well as the op id: an answer carries the sender's own
        votes, which nobody else may get by guessing an op id.
        """
        now = time.monotonic()
        with self._lock:
            self._forget_old(now)
            entry = self._entries.get(key)
            if entry is not None:
                return False, entry
            entry = _Pending()
            self._entries[key] = entry
            return True, entry

    def finish(self, key: Key, entry: _Pending, answer: dict[str, Any] | None) -> None:
        """Record the first copy's answer; None (nothing final) lets a later copy try again."""
        with self._lock:
            entry.answer = answer
            entry.finished_at = time.monotonic()
            if self._entries.get(key) is entry:
                if answer is None:
                    del self._entries[key]
                else:
                    self._entries.move_to_end(key)
        entry.done.set()

    @staticmethod
    def wait(entry: _Pending, timeout: float) -> dict[str, Any] | None:
        """The first copy's answer, marked as a duplicate; None if it gave none in time."""
        if not entry.done.wait(timeout) or entry.answer is None:
            return None
        return {**entry.answer, "duplicate": True}

    def _forget_old(self, now: float) -> None:
        # Entries are in the order they finished (or started, while unfinished): old ones first.
        while self._entries:
            key, entry = next(iter(self._entries.items()))
            expired = entry.done.is_set() and now - entry.finished_at > KEEP_S
            if not expired and len(self._entries) <= MAX_ENTRIES:
                return
            del self._entries[key]


REPLIES = Replies()
