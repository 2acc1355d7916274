"""What every client of a fault test sent and what it was told, and what that means was stored."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from workshop.client import WorkshopClient, new_op_id
from workshop.realtime import names


@dataclass
class Operation:
    """One command: who sent it (participant id; 0 for the facilitator), what, and its answer."""

    voter: int
    name: str
    body: dict[str, Any]
    started: float
    ack: dict[str, Any] | None = None  # None: never acknowledged
    acked_at: float | None = None

    @property
    def applied(self) -> bool:
        """Acknowledged as applied (also a retry the server recognised)."""
        return bool(self.ack and self.ack.get("ok"))


@dataclass
class Ledger:
    """Every command of every client, in the order each client sent them (one at a time)."""

    operations: list[Operation] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(
        self, client: WorkshopClient, voter: int, name: str, body: dict[str, Any]
    ) -> dict[str, Any] | None:
        """Send through the client's outbox (retried with one op id until acked) and record it."""
        op = Operation(voter, name, {"op_id": new_op_id(), **body}, time.monotonic())
        with self.lock:
            self.operations.append(op)
        try:
            op.ack = client.send(name, op.body, attempts=60, op_id=op.body["op_id"])
        except RuntimeError:
            return None  # stays in the client's outbox: the test reports it
        op.acked_at = time.monotonic()
        return op.ack

    def applied(self) -> list[Operation]:
        """The operations acknowledged as applied."""
        return [op for op in self.operations if op.applied]

    def refused(self) -> list[Operation]:
        """The operations acknowledged as refused (over budget, nothing to take back, ...)."""
        return [op for op in self.operations if op.ack is not None and not op.applied]

    def expected_dots(self) -> dict[tuple[int, str, str], int]:
        """Dots per (participant, target type, target id): applied adds minus applied removes."""
        dots: Counter[tuple[int, str, str]] = Counter()
        for op in self.applied():
            if op.name in (names.VOTE_ADD, names.VOTE_REMOVE):
                voter = int(op.body.get("participant_id", op.voter))
                key = (voter, op.body["target_type"], op.body["target_id"])
                dots[key] += 1 if op.name == names.VOTE_ADD else -1
        return {key: n for key, n in dots.items() if n}

    def expected_ratings(self) -> dict[tuple[int, str, str], tuple[int, int]]:
        """The last applied rating per (participant, target); a null rating removes it."""
        ratings: dict[tuple[int, str, str], tuple[int, int] | None] = {}
        for op in self.applied():
            if op.name == names.RISK_SCORE:
                voter = int(op.body.get("participant_id", op.voter))
                key = (voter, op.body["target_type"], op.body["target_id"])
                likelihood, impact = op.body["likelihood"], op.body["impact"]
                ratings[key] = None if likelihood is None else (likelihood, impact)
        return {key: value for key, value in ratings.items() if value is not None}

    def sent_while_down(self, windows: list[tuple[float, float]]) -> list[Operation]:
        """Applied operations started while the server was down (sent after the reconnect)."""
        return [op for op in self.applied() if any(down <= op.started < up for down, up in windows)]
