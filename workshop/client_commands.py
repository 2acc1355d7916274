"""Commands of the protocol client: an outbox, acks, and sending again with the same op id.

A command stays in ``outbox`` until its ack arrives. A lost ack (timeout, dropped connection)
or a ``retry`` answer sends it again with the same op id once the client is connected and
synced again; the server applies an op id once (docs/protocol.md, guarantees 3 and 6).
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from typing import Any

import socketio

SEND_TIMEOUT_S = 8.0


def new_op_id() -> str:
    """A fresh operation id."""
    return uuid.uuid4().hex


class Disconnected(ConnectionError):
    """The connection dropped before the answer came (the command may or may not be applied)."""


class Commands:
    """The sending half of ``WorkshopClient`` (which sets these attributes up)."""

    sio: socketio.Client
    snapshot: dict[str, Any]
    outbox: dict[str, tuple[str, dict[str, Any]]]
    _lock: Any  # threading.RLock
    _changed: threading.Condition
    _ready: bool
    _connected: bool
    _closed: bool
    _generation: int
    _me_seq: int

    def send(
        self,
        name: str,
        payload: dict[str, Any] | None = None,
        attempts: int = 5,
        *,
        op_id: str | None = None,
    ) -> dict[str, Any]:
        """Send a command and return its ack; it stays in the outbox until acknowledged.

        A lost ack (timeout, dropped connection) or a ``retry`` answer sends it again with the
        same op id, once connected and synced again; the server applies an op id once.
        """
        body = {"op_id": op_id or new_op_id(), **(payload or {})}
        with self._lock:
            self.outbox[body["op_id"]] = (name, body)
        return self._deliver(name, body, attempts)

    def flush(self, attempts: int = 5) -> list[dict[str, Any]]:
        """Send every command still in the outbox again (same op ids); their acks."""
        with self._lock:
            pending = list(self.outbox.values())
        return [self._deliver(name, body, attempts) for name, body in pending]

    def _deliver(self, name: str, body: dict[str, Any], attempts: int) -> dict[str, Any]:
        last_error: Exception | None = None
        for attempt in range(attempts):
            pause = min(0.2 * 2**attempt, 2.0) * random.uniform(0.5, 1.0)
            try:
                ack = self._call(name, body, SEND_TIMEOUT_S)
            except Disconnected as error:
                # Sent again once reconnected and synced (_call waits for that).
                last_error = error
                time.sleep(0.05)
                continue
            except (TimeoutError, ConnectionError) as error:
                last_error = error
                if self._closed:
                    break
                time.sleep(pause)
                continue
            if not isinstance(ack, dict):
                ack = {"ok": False, "code": "invalid", "message": repr(ack)}
            if ack.get("retry"):
                retry_after = ack.get("retry_after")
                time.sleep(float(retry_after) if isinstance(retry_after, int | float) else pause)
                continue
            with self._changed:
                self.outbox.pop(body["op_id"], None)
                self._take_me(ack)
                self._changed.notify_all()
            return ack
        raise RuntimeError(f"{name} not acknowledged after {attempts} attempts") from last_error

    def _take_me(self, ack: dict[str, Any]) -> None:
        # Lock held. A phone learns its own votes from its acks (the room's facts hide them).
        mine = ack.get("me")
        me = self.snapshot.get("me")
        if not isinstance(mine, dict) or me is None:
            return
        seq = ack.get("seq") if ack.get("ok") and not ack.get("duplicate") else None
        if isinstance(seq, int):
            if seq < self._me_seq:
                return
            self._me_seq = seq
        # A dot's ack carries the dots, a rating's both: keep what an ack does not mention.
        self.snapshot["me"] = {**me, **{k: mine[k] for k in ("votes", "ratings") if k in mine}}

    def _call(self, name: str, body: Any, timeout: float, need_ready: bool = True) -> Any:
        """Emit with an ack callback; the answer, or Disconnected / TimeoutError."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not (self._ready if need_ready else self._connected):
                if self._closed:
                    raise ConnectionError("closed")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{name}: not connected within {timeout}s")
                self._changed.wait(min(left, 0.2))
            generation = self._generation
        answers: list[Any] = []

        def on_ack(*args: Any) -> None:
            with self._changed:
                answers.append(args[0] if args else None)
                self._changed.notify_all()

        try:
            self.sio.emit(name, body, callback=on_ack)
        except Exception as error:  # the socket went away under us (BadNamespaceError, OSError)
            raise Disconnected(f"{name}: {error!r}") from error
        with self._changed:
            while not answers:
                if self._generation != generation or self._closed:
                    raise Disconnected(f"{name}: connection lost before the ack")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{name}: no ack within {timeout}s")
                self._changed.wait(min(left, 0.2))
            return answers[0]
