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
gap detection, and commands retried with the same op id until acknowledged.
"""

from __future__ import annotations

import http.cookiejar
import re
import socket
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any

import socketio

from workshop.realtime import names

SEND_TIMEOUT_S = 8.0
# How long a client that learns of a newer seq waits for the facts still on their way.
GAP_WAIT_S = 0.5


def new_note_id() -> str:
    """A fresh note id (UUID v4), as the phone makes them."""
    return str(uuid.uuid4())


def new_op_id() -> str:
    """A fresh operation id."""
    return uuid.uuid4().hex


_FACT_NAMES = frozenset(names.FACTS.values())
_NOTE_UPSERTS = {names.NOTE_ADDED, names.NOTE_EDITED, names.NOTE_HIDDEN, names.NOTE_RESTORED}


def apply_board_fact(
    notes: dict[str, dict[str, Any]],
    clusters: dict[str, dict[str, Any]],
    name: str,
    payload: dict[str, Any],
) -> None:
    """Apply a note or cluster fact to notes and clusters by id (as the browser's reducer does)."""
    if name in _NOTE_UPSERTS:
        notes[payload["note"]["id"]] = payload["note"]
    elif name == names.NOTE_DELETED:
        notes.pop(payload["note_id"], None)
    elif name == names.NOTE_ENDORSED and payload["note_id"] in notes:
        notes[payload["note_id"]] = {
            **notes[payload["note_id"]],
            "endorsements": payload["endorsements"],
        }
    elif name in {names.CLUSTER_CREATED, names.CLUSTER_RENAMED}:
        clusters[payload["cluster"]["id"]] = payload["cluster"]
    elif name == names.CLUSTER_MERGED:
        clusters.pop(payload["source_id"], None)
    elif name == names.CLUSTER_DISSOLVED:
        clusters.pop(payload["cluster_id"], None)
    elif name == names.CLUSTERS_REORDERED:
        for cluster_id, position in payload["positions"].items():
            if cluster_id in clusters:
                clusters[cluster_id] = {**clusters[cluster_id], "position": position}
    for move in payload.get("moves", []):
        if move["note_id"] in notes:
            notes[move["note_id"]] = {
                **notes[move["note_id"]],
                "cluster_id": move["cluster_id"],
                "position": move["position"],
            }


class HttpSession:
    """Cookies and CSRF tokens over plain urllib (no extra dependency)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str, str]:
        """GET; returns status, final URL and body."""
        with self.opener.open(self._url(path), timeout=15) as response:
            return response.status, response.geturl(), response.read().decode()

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[int, str, str]:
        """POST a form, with the CSRF token of the page at the same path."""
        _status, _url, page = self.get(path)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        data = dict(fields)
        if match:
            data["csrf_token"] = match.group(1)
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self._url(path), data=body, method="POST")
        try:
            with self.opener.open(request, timeout=15) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, path, error.read().decode()

    def cookie_header(self) -> str:
        """The Cookie header a browser would send to this site."""
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)

    def _url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path


class WorkshopClient:
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
        self.snapshot: dict[str, Any] = {}
        self.notes: dict[str, dict[str, Any]] = {}
        self.clusters: dict[str, dict[str, Any]] = {}
        self.facts: list[tuple[str, dict[str, Any]]] = []
        self.sync_count = 0
        # Batches (``facts`` messages) received, and the most facts one of them held.
        self.batches = 0
        self.largest_batch = 0
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._syncing = False
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
        """Disconnect (no reconnection)."""
        self.sio.disconnect()

    def _on_connect(self) -> None:
        # call() cannot run inside a handler (it would wait on its own reader): sync aside.
        self.sio.start_background_task(self.sync)

    def sync(self) -> None:
        """Ask for what was missed since the last applied seq (or a snapshot)."""
        with self._lock:
            self._syncing = True
            last = self.seq
        try:
            reply = self.sio.call(names.SYNC, {"last_seq": last}, timeout=SEND_TIMEOUT_S)
        except Exception:  # noqa: BLE001 - disconnected mid-call: the next connect syncs again
            with self._lock:
                self._syncing = False
            return
        with self._lock:
            if reply.get("mode") == "snapshot":
                self._apply_snapshot(reply["snapshot"])
            else:
                for name, payload in reply.get("events", []):
                    self._apply(name, payload)
            buffered, self._buffer = self._buffer, []
            self._syncing = False
            for name, payload in sorted(buffered, key=lambda item: int(item[1]["seq"])):
                self._receive(name, payload)
            self.sync_count += 1
            self._changed.notify_all()

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
            behind = self.seq < target
        if behind:
            self.sync()

    def _receive(self, name: str, payload: dict[str, Any]) -> None:
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
            self._sync_aside()
            return
        self._apply(name, payload)

    def _sync_aside(self) -> None:
        # Called with the lock held: buffer from now on, and sync in a background task.
        self._syncing = True
        self.sio.start_background_task(self.sync)

    def _apply_snapshot(self, snapshot: dict[str, Any]) -> None:
        self.snapshot = snapshot
        self.notes = {note["id"]: note for note in snapshot.get("notes", [])}
        self.clusters = {cluster["id"]: cluster for cluster in snapshot.get("clusters", [])}
        self.seq = int(snapshot["seq"])

    def _apply(self, name: str, payload: dict[str, Any]) -> None:
        seq = int(payload["seq"])
        if seq <= self.seq:
            return
        self.seq = seq
        if self.keep_facts:
            self.facts.append((name, payload))
        apply_board_fact(self.notes, self.clusters, name, payload)
        if name == names.PHASE_CHANGED:
            self.snapshot.setdefault("workshop", {})["phase"] = payload["phase"]
            self.snapshot["timer"] = payload.get("timer", self.snapshot.get("timer"))
            if payload.get("resync"):
                self.seq_reset_and_sync()
        elif name == names.TIMER_CHANGED:
            self.snapshot["timer"] = payload["timer"]
        elif name == names.PARTICIPANT_MOVED:
            me = self.snapshot.get("me") or {}
            if me.get("participant_id") == payload["participant_id"]:
                self.seq_reset_and_sync()
        if self.on_fact is not None:
            self.on_fact(name, payload)

    def seq_reset_and_sync(self) -> None:
        """Drop local state and take a fresh snapshot (what to see has changed)."""
        self.seq = 0
        with self._lock:
            self._sync_aside()

    @property
    def phase(self) -> str | None:
        """The workshop phase as this client knows it."""
        workshop = self.snapshot.get("workshop") or {}
        phase = workshop.get("phase")
        return str(phase) if phase is not None else None

    def visible_texts(self) -> list[str]:
        """Texts of the notes this client can read, oldest first."""
        return [note["text"] for note in self.notes.values() if not note.get("redacted")]

    # --- commands -----------------------------------------------------------------------
    def send(
        self, name: str, payload: dict[str, Any] | None = None, attempts: int = 5
    ) -> dict[str, Any]:
        """Send a command and return its ack; retries a lost ack with the same op id."""
        body = {"op_id": new_op_id(), **(payload or {})}
        last_error: Exception | None = None
        for attempt in range(attempts):
            try:
                ack: dict[str, Any] = self.sio.call(name, body, timeout=SEND_TIMEOUT_S)
            except Exception as error:  # noqa: BLE001 - timeout or disconnected: try again
                last_error = error
                time.sleep(min(0.2 * 2**attempt, 2.0))
                continue
            if ack.get("retry"):
                time.sleep(min(0.2 * 2**attempt, 2.0))
                continue
            return ack
        raise RuntimeError(f"{name} not acknowledged after {attempts} attempts") from last_error

    def wait_for(self, predicate: Callable[[WorkshopClient], bool], timeout: float = 10.0) -> None:
        """Block until ``predicate(self)`` holds, or raise TimeoutError."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"condition not met within {timeout}s (seq {self.seq})")
                self._changed.wait(min(left, 0.2))
