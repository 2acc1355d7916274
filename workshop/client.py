"""A Python client of the realtime protocol, for tests, scripts and the load tool.

    base = "http://127.0.0.1:5000"
    phone = WorkshopClient.join(base, "K7QX4M", name="Anna", viewpoint="gemeenten")
    phone.connect()
    phone.send("note:add", {"note_id": new_note_id(), "kind": "risk", "text": "Lock-in"})
    phone.wait_for(lambda c: len(c.notes) == 1)
    phone.close()

It speaks exactly what the browser speaks: the join form over HTTP (with its CSRF token and the
participant cookie), then Socket.IO over a websocket with the same ``auth`` and event names,
``sync`` on every (re)connect, facts (alone or batched in ``facts``) applied in seq order with
gap detection, and an outbox: a command stays in ``outbox`` until its ack arrives and is sent
again with the same op id after a timeout or a reconnect (docs/protocol.md, guarantee 6).
"""

from __future__ import annotations

import re
import socket
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable
from typing import Any

import socketio

from workshop.client_commands import SEND_TIMEOUT_S, Commands, new_op_id
from workshop.client_http import HttpSession
from workshop.client_state import apply_board_fact, apply_room_fact
from workshop.realtime import names

__all__ = [
    "SEND_TIMEOUT_S",
    "HttpSession",
    "WorkshopClient",
    "apply_board_fact",
    "new_note_id",
    "new_op_id",
]

# How long a client that learns of a newer seq waits for the facts still on their way.
GAP_WAIT_S = 0.5


def new_note_id() -> str:
    """A fresh note id (UUID v4), as the phone makes them."""
    return str(uuid.uuid4())


_FACT_NAMES = frozenset(names.FACTS.values())


class WorkshopClient(Commands):
    """One connected screen: a phone, a projector or the facilitator's console."""

    def __init__(
        self,
        base_url: str,
        workshop_id: int,
        role: str,
        *,
        http: HttpSession | None = None,
        key: str | None = None,
        viewpoint: str | None = None,
        on_fact: Callable[[str, dict[str, Any]], None] | None = None,
        on_receive: Callable[[str, dict[str, Any]], None] | None = None,
        keep_facts: bool = True,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.workshop_id = workshop_id
        self.role = role
        self.http = http or HttpSession(base_url)
        self.auth: dict[str, Any] = {"workshop": workshop_id, "role": role}
        if key:
            self.auth["key"] = key
        if viewpoint:
            self.auth["viewpoint"] = viewpoint
        self.on_fact = on_fact
        # on_receive sees every fact as it arrives, before seq checks (the load tool counts
        # deliveries with it); keep_facts=False keeps memory flat for hundreds of clients.
        self.on_receive = on_receive
        self.keep_facts = keep_facts
        self.seq = 0
        # The snapshot's shape, kept current by the facts (phase, counts, voting progress, me);
        # notes and clusters live by id in their own dicts.
        self.snapshot: dict[str, Any] = {}
        self.notes: dict[str, dict[str, Any]] = {}
        self.clusters: dict[str, dict[str, Any]] = {}
        self.facts: list[tuple[str, dict[str, Any]]] = []
        # ("snapshot" | "fact", seq) in the order applied (with keep_facts): gap-free per run.
        self.history: list[tuple[str, int]] = []
        # Commands sent but not acknowledged yet, by op id: (name, body).
        self.outbox: dict[str, tuple[str, dict[str, Any]]] = {}
        self.sync_count = 0
        self.disconnects = 0
        # Batches (``facts`` messages) received, and the most facts one of them held.
        self.batches = 0
        self.largest_batch = 0
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._connected = False
        self._ready = False  # connected and synced since: commands may go out
        self._closed = False
        self._generation = 0  # one more on every disconnect: wakes whoever waits for an ack
        self._syncing = False  # facts are buffered until the sync in flight is applied
        self._sync_running = False
        self._sync_again = False
        self._reset_wanted = False
        self._me_seq = 0
        self._buffer: list[tuple[str, dict[str, Any]]] = []
        self.sio = socketio.Client(
            reconnection=True,
            reconnection_delay=0.2,
            reconnection_delay_max=2,
            # websocket-client checks UTF-8 in pure Python (a quarter of the load tool's CPU);
            # the frames come from our own server, which sends valid JSON text. No Nagle, as
            # in browsers: commands sent back to back must not wait for TCP ACKs.
            websocket_extra_options={
                "skip_utf8_validation": True,
                "sockopt": ((socket.IPPROTO_TCP, socket.TCP_NODELAY, 1),),
            },
        )
        self.sio.on("connect", self._on_connect)
        self.sio.on("disconnect", self._on_disconnect)
        for fact in names.FACTS.values():
            self.sio.on(fact, self._fact_handler(fact))
        self.sio.on(names.FACTS_BATCH, self._on_batch)
        self.sio.on(names.SEQ_LATEST, self._on_latest)

    # --- construction -------------------------------------------------------------------
    @classmethod
    def join(
        cls,
        base_url: str,
        code: str,
        *,
        name: str | None = None,
        viewpoint: str | None = None,
        **kwargs: Any,
    ) -> WorkshopClient:
        """Join like a phone does (form, cookie) and return the participant's client."""
        http = HttpSession(base_url)
        fields = {"display_name": name or ""}
        if viewpoint:
            fields["viewpoint"] = viewpoint
        status, _url, page = http.post_form(f"/j/{code}", fields)
        config = re.search(r'id="denktank-config">(.*?)</script>', page, re.S)
        if status != 200 or config is None:
            raise RuntimeError(f"joining {code} failed with HTTP {status}")
        workshop_id = int(re.search(r'"workshop_id":\s*(\d+)', config.group(1)).group(1))  # type: ignore[union-attr]
        return cls(base_url, workshop_id, "participant", http=http, **kwargs)

    @classmethod
    def facilitator(
        cls, base_url: str, login_url: str, workshop_id: int, **kwargs: Any
    ) -> WorkshopClient:
        """Log in with a one-time link and return the facilitator's client."""
        http = HttpSession(base_url)
        status, _url, _page = http.get(login_url)
        if status != 200:
            raise RuntimeError(f"login failed with HTTP {status}")
        return cls(base_url, workshop_id, "facilitator", http=http, **kwargs)

    @classmethod
    def projector(
        cls, projector_url: str, viewpoint: str | None = None, **kwargs: Any
    ) -> WorkshopClient:
        """A view-only display from its projector link."""
        parts = urllib.parse.urlsplit(projector_url)
        workshop_id = int(parts.path.rstrip("/").rsplit("/", 1)[-1])
        key = urllib.parse.parse_qs(parts.query).get("key", [""])[0]
        base = f"{parts.scheme}://{parts.netloc}"
        return cls(base, workshop_id, "projector", key=key, viewpoint=viewpoint, **kwargs)

    # --- connection ---------------------------------------------------------------------
    def connect(self, timeout: float = 10.0) -> WorkshopClient:
        """Open the websocket and wait for the first sync."""
        before = self.sync_count
        self.sio.connect(
            self.base_url,
            auth=self.auth,
            headers={"Cookie": self.http.cookie_header()},
            transports=["websocket"],
            wait_timeout=timeout,
        )
        self.wait_for(lambda c: c.sync_count > before, timeout)
        return self

    def close(self) -> None:
        """Disconnect (no reconnection); commands still waiting give up."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()
        self.sio.disconnect()

    @property
    def settled(self) -> bool:
        """Connected, synced, and no sync in flight: what this client shows is complete."""
        with self._lock:
            return self._ready and not self._syncing

    def _on_connect(self) -> None:
        with self._changed:
            self._connected = True
            self._ready = False
            # Facts may arrive before the sync answers: they wait in the buffer.
            self._request_sync()

    def _on_disconnect(self, *_reason: Any) -> None:
        with self._changed:
            self._connected = False
            self._ready = False
            self._generation += 1
            self.disconnects += 1
            self._changed.notify_all()

    def sync(self, timeout: float = SEND_TIMEOUT_S) -> None:
        """Ask for what was missed since the last applied seq (or a snapshot), and wait for it."""
        before = self.sync_count
        with self._lock:
            self._request_sync()
        self.wait_for(lambda c: c.sync_count > before, timeout)

    def seq_reset_and_sync(self) -> None:
        """Drop local state and take a fresh snapshot (what to see has changed)."""
        with self._lock:
            self._request_sync(reset=True)

    def _request_sync(self, reset: bool = False) -> None:
        # Lock held. One sync at a time; a request during one makes it run once more.
        if reset:
            self._reset_wanted = True
        self._syncing = True
        if self._sync_running:
            self._sync_again = True
            return
        self._sync_running = True
        self.sio.start_background_task(self._sync_loop)

    def _sync_loop(self) -> None:
        while True:
            done = self._sync_once()
            with self._changed:
                again = self._sync_again or (not done and self._connected and not self._closed)
                self._sync_again = False
                if not again or not self._connected:
                    # Disconnected: the next connect asks again; facts keep being buffered.
                    self._sync_running = False
                    self._changed.notify_all()
                    return
            if not done:
                time.sleep(GAP_WAIT_S)

    def _sync_once(self) -> bool:
        """One sync round trip, applied; False when it got no answer."""
        with self._lock:
            self._sync_again = False
            reset, self._reset_wanted = self._reset_wanted, False
            last = 0 if reset else self.seq
        try:
            reply = self._call(names.SYNC, {"last_seq": last}, SEND_TIMEOUT_S, need_ready=False)
        except (TimeoutError, ConnectionError):
            with self._lock:
                self._reset_wanted = self._reset_wanted or reset
            return False
        with self._changed:
            if not isinstance(reply, dict) or not reply.get("ok"):
                # Refused (the workshop is gone, the participant removed): nothing to apply;
                # commands may still go out and hear why.
                self._syncing = False
                self.sync_count += 1
                self._ready = self._connected
                self._changed.notify_all()
                return True
            if reply.get("mode") == "snapshot":
                self._apply_snapshot(reply["snapshot"])
            else:
                for name, payload in reply.get("events", []):
                    self._apply(name, payload)
                    if self._reset_wanted:
                        break  # what this client may see changed: a snapshot follows
            if self._reset_wanted or self._sync_again:
                self._sync_again = True
                return True
            buffered, self._buffer = self._buffer, []
            self._syncing = False
            for name, payload in sorted(buffered, key=lambda item: int(item[1]["seq"])):
                self._receive(name, payload)
            self.sync_count += 1
            self._ready = self._connected
            self._changed.notify_all()
        return True

    # --- facts --------------------------------------------------------------------------
    def _fact_handler(self, name: str) -> Callable[[dict[str, Any]], None]:
        def handle(payload: dict[str, Any]) -> None:
            self._take(name, payload)
            with self._lock:
                self._changed.notify_all()

        return handle

    def _on_batch(self, batch: Any) -> None:
        # Several facts of a burst in one message, in seq order: each is taken as if it had come
        # alone. An unknown name is skipped (as an event nobody listens to): its gap syncs.
        if not isinstance(batch, list):
            return
        with self._lock:
            self.batches += 1
            self.largest_batch = max(self.largest_batch, len(batch))
        for entry in batch:
            if (
                isinstance(entry, list)
                and len(entry) == 2
                and entry[0] in _FACT_NAMES
                and isinstance(entry[1], dict)
            ):
                self._take(entry[0], entry[1])
        with self._lock:
            self._changed.notify_all()

    def _take(self, name: str, payload: dict[str, Any]) -> None:
        if self.on_receive is not None:
            self.on_receive(name, payload)
        with self._lock:
            self._receive(name, payload)

    def _on_latest(self, payload: Any) -> None:
        # The seq heartbeat (several processes): behind it means facts were lost on the way.
        seq = payload.get("seq") if isinstance(payload, dict) else None
        if isinstance(seq, int) and seq > self.seq:
            self.sio.start_background_task(self._catch_up, seq)

    def _catch_up(self, target: int) -> None:
        self.sio.sleep(GAP_WAIT_S)
        with self._lock:
            if self.seq < target and not self._syncing:
                self._request_sync()

    def _receive(self, name: str, payload: dict[str, Any]) -> None:
        # Lock held. Facts are handled on several threads, so one may overtake another.
        if self._syncing:
            self._buffer.append((name, payload))
            return
        seq = int(payload["seq"])
        if seq <= self.seq:
            return
        if seq > self.seq + 1:
            # A gap: fetch what is missing (a fact may simply be overtaking another). The facts
            # after it (the rest of a batch) wait for that one sync instead of each starting one.
            self._buffer.append((name, payload))
            self._request_sync()
            return
        self._apply(name, payload)

    def _apply_snapshot(self, snapshot: dict[str, Any]) -> None:
        me = self.snapshot.get("me")
        self.snapshot = snapshot
        self.notes = {note["id"]: note for note in snapshot.get("notes", [])}
        self.clusters = {cluster["id"]: cluster for cluster in snapshot.get("clusters", [])}
        self.seq = int(snapshot["seq"])
        if me is not None and "me" in snapshot and self._me_seq > self.seq:
            # An ack already told us newer votes than this snapshot holds.
            snapshot["me"] = {**snapshot["me"], "votes": me["votes"], "ratings": me["ratings"]}
        if self.keep_facts:
            self.history.append(("snapshot", self.seq))

    def _apply(self, name: str, payload: dict[str, Any]) -> None:
        seq = int(payload["seq"])
        if seq <= self.seq:
            return
        self.seq = seq
        if self.keep_facts:
            self.facts.append((name, payload))
            self.history.append(("fact", seq))
        apply_board_fact(self.notes, self.clusters, name, payload)
        apply_room_fact(self.snapshot, name, payload)
        if name == names.PHASE_CHANGED and payload.get("resync"):
            self._request_sync(reset=True)
        elif name == names.PARTICIPANT_MOVED:
            me = self.snapshot.get("me") or {}
            if me.get("participant_id") == payload["participant_id"]:
                self._request_sync(reset=True)
        if self.on_fact is not None:
            self.on_fact(name, payload)

    @property
    def phase(self) -> str | None:
        """The workshop phase as this client knows it."""
        workshop = self.snapshot.get("workshop") or {}
        phase = workshop.get("phase")
        return str(phase) if phase is not None else None

    def visible_texts(self) -> list[str]:
        """Texts of the notes this client can read, oldest first."""
        return [note["text"] for note in self.notes.values() if not note.get("redacted")]

    def view(self) -> dict[str, Any]:
        """What this client shows, in the snapshot's shape (to compare with a fresh snapshot)."""
        with self._lock:
            return {
                **self.snapshot,
                "seq": self.seq,
                "notes": list(self.notes.values()),
                "clusters": list(self.clusters.values()),
            }

    def fetch_snapshot(self, timeout: float = SEND_TIMEOUT_S) -> dict[str, Any]:
        """The server's snapshot for this client's audience now, without applying it."""
        reply = self._call(names.SYNC, {"last_seq": 0}, timeout, need_ready=False)
        if not isinstance(reply, dict) or reply.get("mode") != "snapshot":
            raise RuntimeError(f"no snapshot: {reply!r}")
        snapshot: dict[str, Any] = reply["snapshot"]
        return snapshot

    def wait_for(self, predicate: Callable[[WorkshopClient], bool], timeout: float = 10.0) -> None:
        """Block until ``predicate(self)`` holds, or raise TimeoutError."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"condition not met within {timeout}s (seq {self.seq})")
                self._changed.wait(min(left, 0.2))
