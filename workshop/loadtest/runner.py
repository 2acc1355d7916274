"""The load test, stage by stage: connect, steady notes, vote storm, reconnect storm.

Runs under gevent (``workshop loadtest`` monkey-patches like ``serve``): every phone is a few
greenlets, so hundreds of websockets fit in one process on one core.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gevent
from gevent import monkey

from workshop.client import WorkshopClient, new_note_id
from workshop.loadtest.delivery import DeliveryLog
from workshop.loadtest.metrics import Errors, ProcessWatch, Samples
from workshop.loadtest.phone import SimulatedPhone, cut
from workshop.loadtest.probe_process import Probe, probe_phones
from workshop.loadtest.report import build_report
from workshop.loadtest.setup import Target, prepare
from workshop.realtime import names

# Hard limits: the tool is for sizing a server, not for flooding one.
MAX_PARTICIPANTS = 2000
MAX_DURATION_S = 3600
MAX_NOTES_PER_MINUTE = 60
SETTLE_S = 15.0  # how long to wait for stragglers after each stage
CONNECT_TIMEOUT_S = 20.0
MAX_PROBE_RATE = 10.0


@dataclass
class Options:
    """What to simulate (see ``workshop loadtest --help``)."""

    url: str
    login_link: str
    participants: int
    duration: float
    notes_per_minute: float = 1.0
    vote_storm: bool = False
    reconnect_storm: bool = False
    server_pid: int | None = None
    workshop: str | None = None
    connect_rate: float = 50.0
    probe_rate: float = 2.0

    def check(self) -> None:
        """Refuse values outside the tool's bounds."""
        if not 1 <= self.participants <= MAX_PARTICIPANTS:
            raise ValueError(f"--participants must be 1…{MAX_PARTICIPANTS}")
        if not 1 <= self.duration <= MAX_DURATION_S:
            raise ValueError(f"--duration must be 1…{MAX_DURATION_S} seconds")
        if not 0 <= self.notes_per_minute <= MAX_NOTES_PER_MINUTE:
            raise ValueError(f"--notes-per-minute must be 0…{MAX_NOTES_PER_MINUTE}")
        if not 1 <= self.connect_rate <= 1000:
            raise ValueError("--connect-rate must be 1…1000 phones per second")
        if not 0 <= self.probe_rate <= MAX_PROBE_RATE:
            raise ValueError(f"--probe-rate must be 0…{MAX_PROBE_RATE:g} notes per second")


@dataclass
class Run:
    """Everything measured in one run."""

    options: Options
    errors: Errors = field(default_factory=Errors)
    join: Samples = field(default_factory=Samples)
    connect: Samples = field(default_factory=Samples)
    note_acks: Samples = field(default_factory=Samples)
    vote_acks: Samples = field(default_factory=Samples)
    resync: Samples = field(default_factory=Samples)
    phase_resync: Samples = field(default_factory=Samples)
    delivery: DeliveryLog = field(default_factory=DeliveryLog)
    phones: list[SimulatedPhone] = field(default_factory=list)
    projector: WorkshopClient | None = None
    server: ProcessWatch | None = None
    tool: ProcessWatch = field(default_factory=lambda: ProcessWatch(os.getpid()))
    facts: dict[str, Any] = field(default_factory=dict)
    probe: Probe | None = None


def run(options: Options, say: Callable[[str], None]) -> dict[str, Any]:
    """Run the whole test and return the report (a JSON-ready dict)."""
    options.check()
    if not monkey.is_module_patched("socket"):
        raise RuntimeError("the load tool needs gevent's monkey patching (run `workshop loadtest`)")
    state = Run(options)
    if options.server_pid:
        state.server = ProcessWatch(options.server_pid)
    sampler = gevent.spawn(_sample_memory, state)
    started = time.monotonic()
    target: Target | None = None
    try:
        _stage(state, "setup")
        target = prepare(options.url, options.login_link, options.workshop)
        say(f"workshop {target.workshop_id} (join code {target.join_code})")
        state.projector = WorkshopClient.projector(
            target.projector_url, on_receive=state.delivery.on_projector_fact, keep_facts=False
        ).connect()
        _connect_phones(state, target, say)
        _steady(state, target, say)
        if options.vote_storm:
            _vote_storm(state, target, say)
        if options.reconnect_storm:
            _reconnect_storm(state, say)
        _stage(state, "end")
        notes_now = set(state.projector.notes)
        state.facts["lost"] = len(state.delivery.lost(notes_now))
        state.facts["duplicated"] = state.delivery.duplicated()
        state.facts["workshop_id"] = target.workshop_id
    finally:
        sampler.kill()
        if state.probe is not None:
            state.probe.stop()
        for phone in state.phones:
            phone.close()
        for client in (state.projector, target.facilitator if target else None):
            if client is not None:
                client.close()
    state.facts["elapsed_s"] = round(time.monotonic() - started, 1)
    return build_report(state)


def _stage(state: Run, name: str) -> None:
    for watch in (state.server, state.tool):
        if watch is not None:
            if name == "end":
                watch.end()
            else:
                watch.begin(name)


def _sample_memory(state: Run) -> None:
    while True:
        for watch in (state.server, state.tool):
            if watch is not None:
                watch.sample()
        gevent.sleep(0.5)


def _connect_phones(state: Run, target: Target, say: Callable[[str], None]) -> None:
    """Phones arrive at ``connect_rate`` per second: join over HTTP, then the websocket."""
    options = state.options
    _stage(state, "connect")
    slugs = [str(vp["slug"]) for vp in target.viewpoints] if target.choosing else [None]
    # The probe's few phones arrive among the tool's, on top of them (conservative: more load).
    probed = probe_phones(options.participants) if options.probe_rate > 0 else 0
    if probed:
        state.probe = Probe.start(
            options.url,
            target,
            phones=probed,
            connect_over=options.participants / options.connect_rate,
            rate=options.probe_rate,
            duration=options.duration,
        )
    state.phones = [
        SimulatedPhone(n, options.url, state.errors) for n in range(options.participants)
    ]

    def arrive(phone: SimulatedPhone) -> None:
        slug = slugs[phone.index % len(slugs)] if slugs else None
        if phone.join(target.join_code, slug, state.join):
            phone.connect(state.connect, CONNECT_TIMEOUT_S)

    greenlets = []
    for phone in state.phones:
        greenlets.append(gevent.spawn(arrive, phone))
        gevent.sleep(1 / options.connect_rate)
    gevent.joinall(greenlets, timeout=CONNECT_TIMEOUT_S + 30)
    online = sum(1 for phone in state.phones if phone.connected_at is not None)
    if state.probe is not None:
        state.probe.connected(state.errors)
    state.facts["connected"] = online
    say(f"{online} of {options.participants} phones connected")
    state.phones = [phone for phone in state.phones if phone.connected_at is not None]


def _steady(state: Run, target: Target, say: Callable[[str], None]) -> None:
    """Every phone posts notes at the given rate, spread with jitter, for ``duration`` seconds."""
    options = state.options
    facilitator = target.facilitator
    if facilitator.phase not in ("brainstorm", "share"):
        _facilitator(state, facilitator, names.PHASE_SET, {"phase": "brainstorm"})
    _stage(state, "steady")
    say(f"posting notes for {options.duration:g} s")
    ends = time.monotonic() + options.duration

    def post(phone: SimulatedPhone) -> None:
        if options.notes_per_minute <= 0:
            return
        interval = 60 / options.notes_per_minute
        next_at = time.monotonic() + random.uniform(0, interval)
        while next_at < ends:
            gevent.sleep(max(0.0, next_at - time.monotonic()))
            phone.post_note(state.delivery, state.note_acks)
            next_at += interval * random.uniform(0.5, 1.5)

    if state.probe is not None:
        state.probe.start_notes()
    gevent.joinall([gevent.spawn(post, phone) for phone in state.phones])
    if state.probe is not None:
        state.probe.notes(state.errors, options.duration)
    _settle(state)


def _settle(state: Run) -> None:
    """Wait until the projector holds every acknowledged note (bounded)."""
    assert state.projector is not None
    deadline = time.monotonic() + SETTLE_S
    while time.monotonic() < deadline:
        if not state.delivery.missing(set(state.projector.notes)):
            return
        gevent.sleep(0.2)


def _facilitator(
    state: Run, console: WorkshopClient, name: str, body: dict[str, Any]
) -> dict[str, Any]:
    ack = console.send(name, body)
    if not ack.get("ok"):
        state.errors.add(f"facilitator:{ack.get('code')}", f"{name}: {ack.get('message')}")
    return ack


def _ask(client: WorkshopClient, name: str, attempts: int = 4) -> dict[str, Any]:
    """A read-only request that survives the console's socket dropping under load."""
    for attempt in range(attempts):
        deadline = time.monotonic() + 30
        while not client.sio.connected and time.monotonic() < deadline:
            gevent.sleep(0.2)
        try:
            reply: dict[str, Any] = client.sio.call(name, {}, timeout=30)
            return reply
        except Exception:  # dropped or timed out: wait for the reconnect
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def _vote_storm(state: Run, target: Target, say: Callable[[str], None]) -> None:
    """Cluster a few notes, open voting, then every phone casts budget + 1 dots within ~1 s."""
    console = target.facilitator
    visible = [note for note in console.notes.values() if not note.get("hidden")]
    for n in range(max(0, 6 - len(visible))):  # too few notes posted: the facilitator adds some
        viewpoint = target.viewpoints[n % len(target.viewpoints)]["id"]
        _facilitator(
            state,
            console,
            names.NOTE_ADD,
            {
                "note_id": new_note_id(),
                "kind": "risk",
                "text": f"Load item {n}",
                "viewpoint_id": viewpoint,
            },
        )
    console.wait_for(lambda c: len(c.notes) >= 6, timeout=SETTLE_S)
    note_ids = list(console.notes)
    for group in range(min(3, len(note_ids) // 3)):
        _facilitator(
            state,
            console,
            names.CLUSTER_CREATE,
            {
                "cluster_id": new_note_id(),
                "title": f"Theme {group + 1}",
                "note_ids": note_ids[group * 3 : group * 3 + 2],
            },
        )
    budget = int(console.snapshot.get("voting", {}).get("budget", 5))
    clients = _clients(state)
    before = {id(client): client.sync_count for client in clients}
    _stage(state, "phase-resync")
    changed = time.monotonic()
    _facilitator(state, console, names.PHASE_SET, {"phase": "vote"})
    state.facts["phase_resync_all_s"] = _until_synced(
        state, clients, before, changed, state.phase_resync, lambda c: c.phase == "vote"
    )
    targets = _targets(console)
    say(f"vote storm: {len(state.phones)} phones × {budget} dots on {len(targets)} items")
    _stage(state, "vote-storm")
    accepted, refused = [0], [0]

    def cast(phone: SimulatedPhone) -> None:
        picks = [targets[(phone.index + k) % len(targets)] for k in range(budget + 1)]
        gevent.sleep(random.uniform(0, 1.0))
        tasks = [gevent.spawn(phone.vote, pick, state.vote_acks, True) for pick in picks]
        gevent.joinall(tasks)
        accepted[0] += sum(1 for task in tasks if task.value)
        refused[0] += sum(1 for task in tasks if not task.value)

    if state.probe is not None:
        state.probe.start_storm(targets, budget)
    gevent.joinall([gevent.spawn(cast, phone) for phone in state.phones], timeout=120)
    probed = state.probe.storm(state.errors) if state.probe is not None else {}
    _stage(state, "after-storm")
    reply = _ask(console, names.RESULTS_GET)
    items = (reply.get("results") or {}).get("items", []) if reply.get("ok") else []
    stored = sum(int(item.get("dots", 0)) for item in items)
    over_phones = sum(max(0, phone.dots_held() - budget) for phone in state.phones)
    over_phones += int(probed.get("over_budget", 0))
    # The probe's phones vote too (on top of the tool's): the stored tallies hold their dots.
    accepted[0] += int(probed.get("accepted", 0))
    refused[0] += int(probed.get("refused", 0))
    voters = len(state.phones) + (state.probe.phones if state.probe is not None else 0)
    state.facts["vote_storm"] = {
        "items": len(targets),
        "budget": budget,
        "accepted": accepted[0],
        "refused": refused[0],
        "stored": stored,
        "lost": max(0, accepted[0] - stored),
        "over_budget": max(over_phones, stored - budget * voters, 0),
    }


def _targets(console: WorkshopClient) -> list[dict[str, str]]:
    """Votable items: clusters with notes, and notes outside any cluster."""
    clustered = {n.get("cluster_id") for n in console.notes.values() if n.get("cluster_id")}
    found = [{"target_type": "cluster", "target_id": c} for c in console.clusters if c in clustered]
    found += [
        {"target_type": "note", "target_id": note_id}
        for note_id, note in console.notes.items()
        if not note.get("cluster_id") and not note.get("hidden")
    ]
    return found


def _wait_synced(
    state: Run,
    clients: list[WorkshopClient],
    since: float,
    samples: Samples,
    ready: Callable[[WorkshopClient], bool] = lambda _c: True,
) -> float | None:
    """Time until every client has synced again (and ``ready`` holds); None past 60 s."""
    before = {id(client): client.sync_count for client in clients}
    return _until_synced(state, clients, before, since, samples, ready)


def _until_synced(
    state: Run,
    clients: list[WorkshopClient],
    before: dict[int, int],
    since: float,
    samples: Samples,
    ready: Callable[[WorkshopClient], bool] = lambda _c: True,
) -> float | None:
    waiting = {id(client): client for client in clients}
    deadline = time.monotonic() + 60
    last = 0.0
    while waiting and time.monotonic() < deadline:
        for key, client in list(waiting.items()):
            if client.sync_count > before[key] and ready(client):
                last = time.monotonic() - since
                samples.add(last)
                del waiting[key]
        gevent.sleep(0.02)
    if waiting:
        state.errors.add("not_resynced", f"{len(waiting)} clients")
        return None
    return last


def _clients(state: Run) -> list[WorkshopClient]:
    return [phone.client for phone in state.phones if phone.client is not None]


def _reconnect_storm(state: Run, say: Callable[[str], None]) -> None:
    """Cut every connection at once, as a wifi blip does; time until all have resynced."""
    say("reconnect storm: dropping every connection")
    _stage(state, "reconnect-storm")
    assert state.projector is not None
    clients = [*_clients(state), state.projector]
    before = {id(client): client.sync_count for client in clients}
    dropped = time.monotonic()
    for client in clients:
        cut(client)
    state.facts["reconnect_all_s"] = _until_synced(state, clients, before, dropped, state.resync)
    _settle(state)
