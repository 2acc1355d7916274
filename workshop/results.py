"""Results: when the room sees the tallies, and which view the projector shows."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from workshop import events, progress, validate, voting_rules
from workshop.actors import Actor
from workshop.errors import InvalidInput, WrongPhase
from workshop.i18n_markers import N_
from workshop.models import Event, Workshop
from workshop.realtime import names
from workshop.summary import tallies

RESULT_VIEWS = ("ranking", "matrix", "viewpoints", "raised_by")
# Results may only be shown once voting has closed: while it is open the room sees progress only.
REVEAL_PHASES = frozenset({"results", "closed"})


def overview(db: Session, workshop: Workshop) -> dict[str, Any]:
    """The voting state every screen may see: rules, progress, whether and how results show."""
    return {
        **voting_rules.settings(workshop),
        "progress": progress.progress(db, workshop),
        "revealed": revealed(workshop),
        "view": view(workshop),
    }


def revealed(workshop: Workshop) -> bool:
    """Whether the facilitator has shown the results to the room."""
    return bool(workshop.settings.get("results_revealed", False))


def view(workshop: Workshop) -> str:
    """Which results view the projector shows."""
    chosen = workshop.settings.get("results_view")
    if chosen in RESULT_VIEWS:
        return str(chosen)
    return "matrix" if voting_rules.settings(workshop)["mode"] == "risk" else "ranking"


def hide_when_reopened(workshop: Workshop) -> bool:
    """Hide the results when the workshop moves back before voting closed; True if it did."""
    if workshop.phase in REVEAL_PHASES or not revealed(workshop):
        return False
    workshop.settings = {**workshop.settings, "results_revealed": False}
    return True


def reveal(
    db: Session,
    workshop: Workshop,
    actor: Actor,
    *,
    shown: object,
    chosen_view: object = None,
    op_id: str,
) -> Event:
    """Show the tallies to every screen (or hide them again), optionally in another view."""
    actor.require_facilitator()
    seq = events.claim(db, workshop.id, op_id)
    show = validate.boolean(shown)
    if show and workshop.phase not in REVEAL_PHASES:
        raise WrongPhase(N_("Close voting before showing the results."))
    updated = {**workshop.settings, "results_revealed": show}
    if chosen_view is not None:
        if chosen_view not in RESULT_VIEWS:
            raise InvalidInput(N_("Unknown results view."))
        updated["results_view"] = chosen_view
    workshop.settings = updated
    db.flush()
    payload = {
        "revealed": show,
        "view": view(workshop),
        "results": tallies(db, workshop) if show else None,
    }
    return events.record(
        db, workshop.id, seq, names.RESULTS_REVEALED, payload, op_id=op_id, actor=actor.label
    )
