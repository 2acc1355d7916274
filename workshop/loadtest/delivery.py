"""Note → projector bookkeeping: when each note was sent, acknowledged and seen on the wall."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

from workshop.loadtest.metrics import Samples
from workshop.realtime import names


class DeliveryLog:
    """Every acknowledged note must reach the projector exactly once; this checks it."""

    def __init__(self) -> None:
        self.sent_at: dict[str, float] = {}
        self.acked: set[str] = set()
        self.seen_at: dict[str, float] = {}
        self.latency = Samples()
        self._seqs_of: dict[str, set[int]] = {}
        self._live_seqs: Counter[int] = Counter()
        self._lock = threading.Lock()

    def sending(self, note_id: str) -> None:
        """A phone is about to send this note (the clock starts)."""
        with self._lock:
            self.sent_at.setdefault(note_id, time.monotonic())

    def acknowledged(self, note_id: str) -> None:
        """The server acknowledged the note (stored)."""
        with self._lock:
            self.acked.add(note_id)

    def on_projector_fact(self, name: str, payload: dict[str, Any]) -> None:
        """Called for every fact the projector receives live, before any seq filtering."""
        now = time.monotonic()
        seq = payload.get("seq")
        with self._lock:
            if isinstance(seq, int):
                self._live_seqs[seq] += 1
            if name not in (names.NOTE_ADDED, names.NOTE_RESTORED):
                return
            note_id = str(payload["note"]["id"])
            if isinstance(seq, int):
                self._seqs_of.setdefault(note_id, set()).add(seq)
            if note_id not in self.seen_at:
                self.seen_at[note_id] = now
                started = self.sent_at.get(note_id)
                if started is not None:
                    self.latency.add(now - started)

    def lost(self, projector_note_ids: set[str]) -> list[str]:
        """Acknowledged notes the projector does not hold (neither live nor after a resync)."""
        with self._lock:
            return sorted(self.acked - projector_note_ids - set(self.seen_at))

    def missing(self, projector_note_ids: set[str]) -> int:
        """How many acknowledged notes have not reached the projector yet."""
        return len(self.lost(projector_note_ids))

    def duplicated(self) -> int:
        """Deliveries beyond the first: one seq delivered twice, or one note under two seqs."""
        with self._lock:
            twice = sum(count - 1 for count in self._live_seqs.values() if count > 1)
            stored_twice = sum(len(seqs) - 1 for seqs in self._seqs_of.values() if len(seqs) > 1)
        return twice + stored_twice
