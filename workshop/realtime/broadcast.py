"""Send a stored fact to every audience of its workshop, each in the form it may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from workshop.audience import Visibility, all_audiences, fact_for
from workshop.models import Event, Workshop
from workshop.realtime.fanout import BATCHER, emit_facts
from workshop.snapshot import visibility_of


@dataclass(frozen=True)
class Delivery:
    """A committed fact plus the workshop state that decides who sees what of it."""

    workshop_id: int
    seq: int
    name: str
    payload: dict[str, Any]
    visibility: Visibility
    viewpoint_ids: tuple[int, ...]

    @classmethod
    def of(cls, workshop: Workshop, event: Event) -> Delivery:
        """Capture what broadcasting needs while the database session is still open."""
        return cls(
            workshop_id=workshop.id,
            seq=event.seq,
            name=event.type,
            payload={**event.payload, "seq": event.seq},
            visibility=visibility_of(workshop),
            viewpoint_ids=tuple(vp.id for vp in workshop.viewpoints),
        )


def broadcast(delivery: Delivery) -> None:
    """Queue the fact for each audience room (empty rooms cost nothing); see fanout.py.

    With ``WORKSHOP_FACT_BATCH_MS`` 0 every room gets it right now, as its own event.
    """
    per_room = []
    for audience in all_audiences(list(delivery.viewpoint_ids)):
        name, payload = fact_for(delivery.name, delivery.payload, audience, delivery.visibility)
        per_room.append((audience.room(delivery.workshop_id), name, payload))
    window_ms = int(current_app.config.get("WORKSHOP_FACT_BATCH_MS", 0))
    if window_ms <= 0:
        for room, name, payload in per_room:
            emit_facts(room, [(name, payload)])
        return
    BATCHER.add(delivery.seq, per_room, window_ms / 1000)
