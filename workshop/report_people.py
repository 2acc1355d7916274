"""Participants as the exports name them: numbered per viewpoint unless names are allowed."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop.i18n_markers import N_
from workshop.models import Participant, Workshop

Translate = Callable[[str], str]


def names_recorded(workshop: Workshop) -> bool:
    """Whether the workshop asked participants for their names at all."""
    return not workshop.settings.get("anonymous", False)


def labels(
    db: Session, workshop: Workshop, translate: Translate, *, include_names: bool = False
) -> dict[int, str]:
    """Participant id → label: "Gemeenten 1", "Gemeenten 2", … (or the name, when allowed)."""
    show_names = include_names and names_recorded(workshop)
    names = {vp.id: vp.name for vp in workshop.viewpoints}
    people = db.scalars(
        select(Participant)
        .where(Participant.workshop_id == workshop.id)
        .order_by(Participant.created_at, Participant.id)
    ).all()
    counters: dict[int | None, int] = {}
    found: dict[int, str] = {}
    unassigned = translate(N_("No group"))
    for person in people:
        # Numbered in joining order within the viewpoint, so the numbering is stable.
        number = counters[person.viewpoint_id] = counters.get(person.viewpoint_id, 0) + 1
        group = names.get(person.viewpoint_id, unassigned) if person.viewpoint_id else unassigned
        pseudonym = f"{group} {number}"
        found[person.id] = (person.display_name or pseudonym) if show_names else pseudonym
    return found


def facilitator_label(translate: Translate) -> str:
    """How notes the facilitator typed in are attributed."""
    return translate(N_("Facilitator"))
