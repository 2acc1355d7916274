"""Editing a running workshop: texts and settings any time, viewpoints and kinds in the lobby."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workshop import events, state, text, validate
from workshop.actors import Actor
from workshop.errors import Conflict, InvalidInput, WrongPhase
from workshop.i18n_markers import N_
from workshop.models import Event, Note, Participant, Viewpoint, Workshop
from workshop.plan_schema import PALETTE, SLUG_MAX, slugify
from workshop.realtime import names

COLOUR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
KEY_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ASSIGNMENTS = ("choose", "auto", "facilitator")
MAX_VIEWPOINTS = 12
MAX_KINDS = 6
# Text limits (the realtime payload schemas use the same numbers).
TITLE_LIMIT = 200
THEME_LIMIT = 200
INTRO_LIMIT = 5000
KIND_KEY_LIMIT = 30
KIND_LABEL_LIMIT = 40
VIEWPOINT_NAME_LIMIT = 80
QUESTION_LIMIT = 500
NOTE_LENGTH_RANGE = (20, 2000)  # what a workshop may set as its note length limit


def update(
    db: Session, workshop: Workshop, actor: Actor, changes: dict[str, Any], op_id: str
) -> Event:
    """Apply the given changes; all or nothing."""
    actor.require_facilitator()
    seq = events.claim(db, workshop.id, op_id)
    settings = {
        key: (dict(value) if isinstance(value, dict) else value)
        for key, value in workshop.settings.items()
    }
    if "title" in changes:
        workshop.title = text.required(changes["title"], TITLE_LIMIT)
    if "theme" in changes:
        workshop.theme = text.optional(changes["theme"], THEME_LIMIT)
    if "intro" in changes:
        workshop.intro = text.optional(changes["intro"], INTRO_LIMIT, multiline=True)
    if "anonymous" in changes:
        settings["anonymous"] = validate.boolean(changes["anonymous"])
    if "hidden_until_share" in changes:
        settings.setdefault("notes", {})["hidden_until_share"] = validate.boolean(
            changes["hidden_until_share"]
        )
    if "note_max_length" in changes:
        settings.setdefault("notes", {})["max_length"] = validate.integer(
            changes["note_max_length"], *NOTE_LENGTH_RANGE
        )
    if "assignment" in changes:
        if changes["assignment"] not in ASSIGNMENTS:
            raise InvalidInput(N_("Unknown way of placing participants."))
        settings.setdefault("participants", {})["assignment"] = changes["assignment"]
    if ("kinds" in changes or "viewpoints" in changes) and workshop.phase != "lobby":
        raise WrongPhase(N_("Viewpoints and note kinds can only change in the lobby."))
    if "kinds" in changes:
        settings["kinds"] = _kinds(db, workshop, changes["kinds"])
    if "viewpoints" in changes:
        _viewpoints(db, workshop, changes["viewpoints"])
    workshop.settings = settings
    db.flush()
    db.refresh(workshop, ["viewpoints"])
    return events.record(
        db,
        workshop.id,
        seq,
        names.WORKSHOP_UPDATED,
        state.meta_payload(db, workshop),
        op_id=op_id,
        actor=actor.label,
    )


def _kinds(db: Session, workshop: Workshop, value: object) -> list[dict[str, str]]:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_KINDS:
        raise InvalidInput(N_("Give between 1 and %(count)d note kinds."), count=MAX_KINDS)
    kinds: list[dict[str, str]] = []
    for item in value:
        if not isinstance(item, dict):
            raise InvalidInput(N_("Each note kind needs a key and a label."))
        key = item.get("key")
        if not isinstance(key, str) or not KEY_RE.match(key) or len(key) > KIND_KEY_LIMIT:
            raise InvalidInput(N_("A note kind key uses lower-case letters, digits and hyphens."))
        if any(kind["key"] == key for kind in kinds):
            raise InvalidInput(N_("The note kind %(key)s is listed twice."), key=key)
        kinds.append({"key": key, "label": text.required(item.get("label"), KIND_LABEL_LIMIT)})
    keys = {kind["key"] for kind in kinds}
    used = db.scalars(
        select(Note.kind)
        .where(Note.workshop_id == workshop.id, Note.deleted_at.is_(None))
        .distinct()
    ).all()
    if set(used) - keys:
        raise Conflict(N_("A note kind that notes already use cannot be removed."))
    return kinds


def _viewpoints(db: Session, workshop: Workshop, value: object) -> None:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_VIEWPOINTS:
        raise InvalidInput(N_("Give between 1 and %(count)d viewpoints."), count=MAX_VIEWPOINTS)
    existing = {vp.id: vp for vp in workshop.viewpoints}
    kept: list[Viewpoint] = []
    seen_names: set[str] = set()
    for position, item in enumerate(value):
        if not isinstance(item, dict):
            raise InvalidInput(N_("Each viewpoint needs a name and a question."))
        name = text.required(item.get("name"), VIEWPOINT_NAME_LIMIT)
        if name.casefold() in seen_names:
            raise InvalidInput(N_("Two viewpoints are called %(name)s."), name=name)
        seen_names.add(name.casefold())
        question = text.required(item.get("question"), QUESTION_LIMIT, multiline=True)
        colour = item.get("colour") or PALETTE[position % len(PALETTE)]
        if not isinstance(colour, str) or not COLOUR_RE.match(colour):
            raise InvalidInput(N_("A colour looks like #0072B2."))
        raw_id = item.get("id")
        if raw_id is None:
            viewpoint = Viewpoint(
                workshop_id=workshop.id, slug="", name=name, question=question, colour=colour
            )
            db.add(viewpoint)
        else:
            found = existing.get(validate.record_id(raw_id))
            if found is None or found in kept:
                raise InvalidInput(N_("That group does not exist in this workshop."))
            viewpoint = found
        viewpoint.name, viewpoint.question, viewpoint.colour = name, question, colour.upper()
        viewpoint.position = position
        kept.append(viewpoint)
    for removed in set(existing.values()) - set(kept):
        in_use = db.scalar(
            select(func.count()).select_from(Note).where(Note.viewpoint_id == removed.id)
        ) or db.scalar(
            select(func.count())
            .select_from(Participant)
            .where(Participant.viewpoint_id == removed.id)
        )
        if in_use:
            raise Conflict(
                N_("The viewpoint %(name)s has participants or notes and cannot be removed."),
                name=removed.name,
            )
        db.delete(removed)
    taken = {vp.slug for vp in kept if vp.slug}
    for viewpoint in kept:
        if not viewpoint.slug:
            viewpoint.slug = _unique_slug(viewpoint.name, taken)
            taken.add(viewpoint.slug)
    db.flush()


def _unique_slug(name: str, taken: set[str]) -> str:
    base = (slugify(name) or "viewpoint")[: SLUG_MAX - 3]
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
