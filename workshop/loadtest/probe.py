"""A few phones and a projector in a process of their own, timing what a person would notice.

The load tool stands in for hundreds of phones in one process; a fact for all of them reaches
that process as hundreds of websocket messages, and any one client's copy (an ack, a phone's
first sync, the wall's note) waits its turn behind the others. Real phones and a real wall are
devices of their own, so the probe is too. The load tool starts it
(``python -m workshop.loadtest.probe``) with the connect stage and steers it a line at a time:

1. at start it connects a projector, then joins and connects ``--phones`` phones spread over
   ``--connect-over`` seconds (among the tool's arriving phones), timing each from the join
   form's answer to the first sync, like the tool does; prints ``{"stage": "connected", …}``;
2. ``notes``: posts ``--rate`` notes a second for ``--duration`` seconds (round robin over its
   phones), timing each from just before the phone sends it to the moment the projector
   receives it, both ends on this process's monotonic clock; prints ``{"stage": "notes", …}``;
3. ``storm {"targets": […], "budget": N}``: every phone casts its budget plus one dot within
   about a second, like the tool's phones at the same moment; prints ``{"stage": "storm", …}``;
4. ``stop`` (or the end of its input): disconnects and exits. Bounded in time and count.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from typing import Any

from workshop.client import SEND_TIMEOUT_S, WorkshopClient, new_note_id, new_op_id
from workshop.realtime import names

MAX_PROBE_S = 600
MAX_RATE = 10.0  # notes a second over all the probe's phones (each may send 3 a second)
MAX_PHONES = 50
CONNECT_TIMEOUT_S = 20.0
SETTLE_S = 10.0
STORM_BOUND_S = 120.0


class Timings:
    """When each probe note was sent and when the projector first received it."""

    def __init__(self) -> None:
        self.sent_at: dict[str, float] = {}
        self.seen_at: dict[str, float] = {}
        self.acked: set[str] = set()
        self.ack_s: list[float] = []
        self.lock = threading.Lock()

    def on_projector_fact(self, name: str, payload: dict[str, Any]) -> None:
        """Every fact the projector receives live (alone or in a batch)."""
        now = time.monotonic()
        if name != names.NOTE_ADDED:
            return
        note_id = str(payload.get("note", {}).get("id"))
        with self.lock:
            if note_id in self.sent_at:
                self.seen_at.setdefault(note_id, now)

    def latencies_ms(self) -> list[float]:
        """Note → projector of every note seen, in ms, in the order sent."""
        with self.lock:
            return [
                round((self.seen_at[n] - sent) * 1000, 1)
                for n, sent in self.sent_at.items()
                if n in self.seen_at
            ]

    def unseen(self) -> int:
        """Acknowledged notes the projector has not received (yet)."""
        with self.lock:
            return len(self.acked - set(self.seen_at))


def connect_phones(
    url: str, code: str, viewpoint: str | None, count: int, over_s: float
) -> tuple[list[WorkshopClient], list[float], list[str]]:
    """Join and connect ``count`` phones spread over ``over_s`` seconds; their connect times."""
    phones: list[WorkshopClient] = []
    connect_ms: list[float] = []
    errors: list[str] = []
    gap = over_s / count
    next_at = time.monotonic() + gap / 2
    for n in range(count):
        time.sleep(max(0.0, next_at - time.monotonic()))
        next_at += gap
        try:
            phone = WorkshopClient.join(
                url, code, name=f"Probe {n + 1}", viewpoint=viewpoint, keep_facts=False
            )
            started = time.monotonic()
            phone.connect(timeout=CONNECT_TIMEOUT_S)
        except Exception as error:  # noqa: BLE001 - a finding, reported
            errors.append(f"connect: {error!r}")
            continue
        connect_ms.append(round((time.monotonic() - started) * 1000, 1))
        phones.append(phone)
    return phones, connect_ms, errors


def post_notes(
    phones: list[WorkshopClient], timings: Timings, rate: float, duration: float
) -> list[str]:
    """Post ``rate`` notes a second for ``duration`` seconds, round robin over the phones."""
    errors: list[str] = []
    interval = 1 / rate
    ends = time.monotonic() + duration
    next_at = time.monotonic()
    n = 0
    while next_at < ends and phones:
        time.sleep(max(0.0, next_at - time.monotonic()))
        phone = phones[n % len(phones)]
        note_id = new_note_id()
        body = {"op_id": new_op_id(), "note_id": note_id, "kind": "risk", "text": f"Probe {n}"}
        with timings.lock:
            timings.sent_at[note_id] = time.monotonic()
        try:
            ack = phone.sio.call(names.NOTE_ADD, body, timeout=SEND_TIMEOUT_S)
        except Exception as error:  # noqa: BLE001 - a finding, reported
            errors.append(f"note:add: {error!r}")
        else:
            if ack.get("ok"):
                with timings.lock:
                    timings.acked.add(note_id)
                    timings.ack_s.append(time.monotonic() - timings.sent_at[note_id])
            else:
                errors.append(f"note:add: {ack.get('code')}: {ack.get('message')}")
        n += 1
        next_at += interval
    deadline = time.monotonic() + SETTLE_S
    while timings.unseen() and time.monotonic() < deadline:
        time.sleep(0.1)
    return errors


def cast_dots(phones: list[WorkshopClient], storm: dict[str, Any]) -> dict[str, Any]:
    """Every phone sends its budget plus one dot within about a second, as in the tool's storm.

    Timed from the first attempt to the answer (a refusal for the dot too many is an answer).
    """
    targets: list[dict[str, str]] = storm["targets"]
    budget = int(storm["budget"])
    ack_ms: list[float] = []
    held: list[int] = []
    accepted = refused = 0
    errors: list[str] = []
    lock = threading.Lock()

    def cast(index: int, phone: WorkshopClient) -> None:
        nonlocal accepted, refused
        time.sleep(random.uniform(0, 1.0))
        threads = [
            threading.Thread(target=dot, args=(phone, targets[(index + k) % len(targets)]))
            for k in range(budget + 1)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        me = phone.snapshot.get("me") or {}
        with lock:
            held.append(sum(int(v.get("dots", 0)) for v in me.get("votes", [])))

    def dot(phone: WorkshopClient, target: dict[str, str]) -> None:
        nonlocal accepted, refused
        started = time.monotonic()
        try:
            ack = phone.send(names.VOTE_ADD, dict(target))
        except Exception as error:  # noqa: BLE001 - a finding, reported
            with lock:
                errors.append(f"vote:add: {error!r}")
            return
        with lock:
            ack_ms.append(round((time.monotonic() - started) * 1000, 1))
            if ack.get("ok"):
                accepted += 1
            elif ack.get("code") == "conflict":
                refused += 1
            else:
                errors.append(f"vote:add: {ack.get('code')}: {ack.get('message')}")

    casters = [threading.Thread(target=cast, args=(n, p)) for n, p in enumerate(phones)]
    for thread in casters:
        thread.start()
    for thread in casters:
        thread.join(STORM_BOUND_S)
    return {
        "ack_ms": ack_ms,
        "accepted": accepted,
        "refused": refused,
        "over_budget": sum(max(0, h - budget) for h in held),
        "errors": errors[:20],
    }


def _say(result: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    """Command line: print the probe's result as one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--code", required=True)
    parser.add_argument("--viewpoint", default=None)
    parser.add_argument("--projector-url", required=True)
    parser.add_argument("--phones", type=int, default=1, help="phones the probe connects")
    parser.add_argument("--connect-over", type=float, default=1.0, help="seconds to spread them")
    parser.add_argument("--rate", type=float, default=2.0, help="notes per second")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of posting")
    args = parser.parse_args(argv)
    if not 0 < args.rate <= MAX_RATE or not 0 < args.duration <= MAX_PROBE_S:
        parser.error(f"--rate must be 0…{MAX_RATE:g} and --duration 0…{MAX_PROBE_S}")
    if not 1 <= args.phones <= MAX_PHONES or not 0 < args.connect_over <= MAX_PROBE_S:
        parser.error(f"--phones must be 1…{MAX_PHONES} and --connect-over 0…{MAX_PROBE_S}")
    timings = Timings()
    projector = WorkshopClient.projector(
        args.projector_url, on_receive=timings.on_projector_fact, keep_facts=False
    ).connect(timeout=CONNECT_TIMEOUT_S)
    phones, connect_ms, errors = connect_phones(
        args.url, args.code, args.viewpoint, args.phones, args.connect_over
    )
    _say({"stage": "connected", "connect_ms": connect_ms, "errors": errors})
    try:
        # Then what the tool asks for, a line at a time, until "stop" (or the end of input).
        for line in sys.stdin:
            word, _, rest = line.strip().partition(" ")
            if word == "notes":
                failed = post_notes(phones, timings, args.rate, args.duration)
                _say(
                    {
                        "stage": "notes",
                        "sent": len(timings.sent_at),
                        "acknowledged": len(timings.acked),
                        "unseen": timings.unseen(),
                        "latencies_ms": timings.latencies_ms(),
                        "ack_ms": [round(s * 1000, 1) for s in timings.ack_s],
                        "errors": failed[:20],
                    }
                )
            elif word == "storm":
                _say({"stage": "storm", **cast_dots(phones, json.loads(rest))})
            else:
                break
    finally:
        for client in (*phones, projector):
            client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
