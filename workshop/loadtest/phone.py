"""One simulated phone: joins over HTTP, connects over a websocket, posts notes and casts dots."""

from __future__ import annotations

import contextlib
import socket
import time
from typing import Any

from workshop.client import SEND_TIMEOUT_S, WorkshopClient, new_note_id, new_op_id
from workshop.loadtest.delivery import DeliveryLog
from workshop.loadtest.metrics import Errors, Samples
from workshop.realtime import names

# A command is retried with the same op id this often before it counts as an error.
ATTEMPTS = 5

NOTE_TEXTS = (
    "Vendor lock-in makes leaving the cloud expensive",
    "Personal data may leave the EU",
    "Costs grow with every new workload",
    "Our own staff lose knowledge of the systems",
    "An outage at the provider stops public services",
    "Exit strategy is missing from the contract",
)


class SimulatedPhone:
    """A participant's phone, driven by the load tool; records its own latencies and errors."""

    def __init__(self, index: int, base_url: str, errors: Errors) -> None:
        self.index = index
        self.base_url = base_url
        self.errors = errors
        self.client: WorkshopClient | None = None
        self.connected_at: float | None = None
        self.votes: list[dict[str, Any]] = []

    def join(self, code: str, viewpoint: str | None, join_times: Samples) -> bool:
        """Fill in the join form like a person would (name, viewpoint)."""
        started = time.monotonic()
        try:
            self.client = WorkshopClient.join(
                self.base_url,
                code,
                name=f"Load {self.index}",
                viewpoint=viewpoint,
                keep_facts=False,
            )
        except Exception as error:  # noqa: BLE001 - every failure is a finding, not a crash
            self.errors.add("join", repr(error))
            return False
        join_times.add(time.monotonic() - started)
        return True

    def connect(self, connect_times: Samples, timeout: float) -> bool:
        """Open the websocket and wait for the first sync (the phone shows the board)."""
        if self.client is None:
            return False
        started = time.monotonic()
        try:
            self.client.connect(timeout=timeout)
        except Exception as error:  # noqa: BLE001
            self.errors.add("connect", repr(error))
            return False
        self.connected_at = time.monotonic()
        connect_times.add(self.connected_at - started)
        return True

    def command(self, name: str, body: dict[str, Any], acks: Samples) -> dict[str, Any] | None:
        """Send one command, retrying with the same op id; the ack, or None after ATTEMPTS."""
        assert self.client is not None
        body = {"op_id": new_op_id(), **body}
        # Timed from the first attempt: a retried command kept its person waiting all along.
        started = time.monotonic()
        for attempt in range(ATTEMPTS):
            try:
                ack: dict[str, Any] = self.client.sio.call(name, body, timeout=SEND_TIMEOUT_S)
            except Exception as error:  # noqa: BLE001 - timeout or disconnected: same op again
                self.errors.add("ack_timeout", f"{name}: {error!r}")
                time.sleep(min(0.2 * 2**attempt, 2.0))
                continue
            acks.add(time.monotonic() - started)
            if ack.get("retry"):
                # The server's database was busy ("database is locked" and the like).
                self.errors.add("unavailable", f"{name}: {ack.get('message')}")
                time.sleep(min(0.2 * 2**attempt, 2.0))
                continue
            return ack
        self.errors.add("unacknowledged", name)
        return None

    def post_note(self, delivery: DeliveryLog, acks: Samples) -> None:
        """Post one note; the delivery log times it to the projector."""
        note_id = new_note_id()
        text = f"{NOTE_TEXTS[self.index % len(NOTE_TEXTS)]} ({self.index}-{note_id[:6]})"
        delivery.sending(note_id)
        ack = self.command(names.NOTE_ADD, {"note_id": note_id, "kind": "risk", "text": text}, acks)
        if ack is None:
            return
        if ack.get("ok"):
            delivery.acknowledged(note_id)
        else:
            self.errors.add(f"ack:{ack.get('code')}", f"note:add: {ack.get('message')}")

    def vote(self, target: dict[str, str], acks: Samples, expect_refusal: bool = False) -> bool:
        """Put one dot on a target; True when the server accepted it."""
        ack = self.command(names.VOTE_ADD, dict(target), acks)
        if ack is None:
            return False
        if isinstance(ack.get("me"), dict):
            self.votes = list(ack["me"].get("votes", []))
        if ack.get("ok"):
            return True
        if not (expect_refusal and ack.get("code") == "conflict"):
            self.errors.add(f"ack:{ack.get('code')}", f"vote:add: {ack.get('message')}")
        return False

    def dots_held(self) -> int:
        """The dots the server last said this phone holds (from its acks)."""
        return sum(int(vote.get("dots", 0)) for vote in self.votes)

    def drop(self) -> None:
        """Cut the TCP connection without a goodbye, as when the venue wifi drops."""
        if self.client is not None:
            cut(self.client)

    def close(self) -> None:
        """Disconnect for good."""
        if self.client is not None:
            # Closing a socket that already died is fine.
            with contextlib.suppress(Exception):
                self.client.close()


def cut(client: WorkshopClient) -> None:
    """Shut a client's websocket down under it; its own reconnection logic takes over."""
    sock = getattr(getattr(client.sio.eio, "ws", None), "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
