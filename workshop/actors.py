"""Who is acting: a participant's phone, the facilitator, or a view-only display."""

from __future__ import annotations

from dataclasses import dataclass

from workshop.errors import Forbidden
from workshop.models import Participant


@dataclass(frozen=True)
class Actor:
    """The authenticated sender of a command."""

    role: str  # "participant" | "facilitator" | "projector"
    participant: Participant | None = None
    facilitator_id: int | None = None

    @property
    def label(self) -> str:
        """How the event log names the actor (never an IP address)."""
        if self.participant is not None:
            return f"participant:{self.participant.id}"
        if self.facilitator_id is not None:
            return f"facilitator:{self.facilitator_id}"
        return self.role

    @property
    def is_facilitator(self) -> bool:
        """True for the workshop's facilitator."""
        return self.role == "facilitator"

    def require_facilitator(self) -> None:
        """Raise Forbidden unless the actor is the facilitator."""
        if not self.is_facilitator:
            raise Forbidden()


FACILITATOR = "facilitator"
PARTICIPANT = "participant"
PROJECTOR = "projector"
