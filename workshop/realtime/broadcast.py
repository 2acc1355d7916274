"""Send a stored fact to every audience of its workshop, each in the form it may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workshop.audience import Visibility, all_audiences, fact_for
from workshop.models import Event, Workshop
from workshop.realtime.server import socketio
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
    """Emit the fact to each audience room (empty rooms cost nothing)."""
    for audience in all_audiences(list(delivery.viewpoint_ids)):
        name, payload = fact_for(delivery.name, delivery.payload, audience, delivery.visibility)
        socketio.emit(name, payload, to=audience.room(delivery.workshop_id))
