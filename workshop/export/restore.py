"""Import: rebuild a workshop from a JSON archive, with a new id and join code, for a new owner."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from workshop import events, state
from workshop.errors import InvalidInput
from workshop.export.archive import KIND, SCHEMA_VERSION
from workshop.i18n_markers import N_
from workshop.models import (
    Cluster,
    Endorsement,
    Facilitator,
    Note,
    Participant,
    RiskScore,
    Viewpoint,
    Vote,
    Workshop,
    utcnow,
)
from workshop.plan_schema import PHASES
from workshop.realtime import names
from workshop.workshops import unused_join_code

Rating = Annotated[int, Field(ge=1, le=5)]
Key = Annotated[str, Field(min_length=1, max_length=20)]


class _Row(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Workshop(_Row):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    theme: Annotated[str, Field(max_length=200)] = ""
    intro: str = ""
    place: Annotated[str, Field(max_length=200)] = ""
    date: dt.date | None = None
    language: Literal["nl", "en"] = "nl"
    phase: Literal[PHASES] = "lobby"  # type: ignore[valid-type]
    settings: dict[str, Any] = Field(default_factory=dict)
    plan_source: str = ""
    closed_at: dt.datetime | None = None


class _Viewpoint(_Row):
    slug: Annotated[str, Field(min_length=1, max_length=40)]
    name: Annotated[str, Field(min_length=1, max_length=80)]
    question: str
    colour: Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")]
    position: int = 0


class _Participant(_Row):
    key: Key
    viewpoint: str | None = None
    name: Annotated[str, Field(max_length=60)] | None = None
    is_proxy: bool = False
    created_at: dt.datetime


class _Cluster(_Row):
    key: Key
    viewpoint: str | None = None
    title: Annotated[str, Field(max_length=200)] = ""
    position: float = 0.0
    created_at: dt.datetime


class _Note(_Row):
    key: Key
    viewpoint: str
    author: str | None = None
    by_facilitator: bool = False
    kind: Annotated[str, Field(min_length=1, max_length=30)]
    text: Annotated[str, Field(min_length=1, max_length=2000)]
    cluster: str | None = None
    position: float = 0.0
    hidden: bool = False
    created_at: dt.datetime
    updated_at: dt.datetime


class _Endorsement(_Row):
    note: str
    participant: str


class _Vote(_Row):
    participant: str
    target_type: Literal["cluster", "note"]
    target: str
    dots: Annotated[int, Field(ge=1, le=50)]


class _Score(_Row):
    participant: str
    target_type: Literal["cluster", "note"]
    target: str
    likelihood: Rating
    impact: Rating


class _PhaseChange(_Row):
    phase: Literal[PHASES]  # type: ignore[valid-type]
    previous: str | None = None
    at: dt.datetime


class Archive(_Row):
    """The archive's shape (schema version 1); unknown fields are ignored."""

    schema_version: Literal[1]
    kind: Literal["denktank-workshop-archive"]
    workshop: _Workshop
    viewpoints: Annotated[list[_Viewpoint], Field(min_length=1, max_length=12)]
    participants: list[_Participant] = Field(default_factory=list)
    clusters: list[_Cluster] = Field(default_factory=list)
    notes: list[_Note] = Field(default_factory=list)
    endorsements: list[_Endorsement] = Field(default_factory=list)
    votes: list[_Vote] = Field(default_factory=list)
    risk_scores: list[_Score] = Field(default_factory=list)
    phase_changes: list[_PhaseChange] = Field(default_factory=list)
    created_at: dt.datetime | None = None


def parse(raw: bytes | str) -> Archive:
    """Read and check an archive; InvalidInput says what is wrong with it."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidInput(N_("The file is not JSON: %(problem)s"), problem=str(error)) from None
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise InvalidInput(N_("The file is not a Denktank archive."))
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise InvalidInput(
            N_("Archive schema version %(version)s is not supported (expected %(expected)s)."),
            version=version,
            expected=SCHEMA_VERSION,
        )
    try:
        archive = Archive.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InvalidInput(
            N_("The archive is damaged at %(where)s: %(problem)s"),
            where=where,
            problem=first["msg"],
        ) from None
    _check_references(archive)
    return archive


def _check_references(archive: Archive) -> None:
    """Every key used is defined once; every reference points at something defined."""
    slugs = _unique([vp.slug for vp in archive.viewpoints], "viewpoints")
    people = _unique([p.key for p in archive.participants], "participants")
    clusters = _unique([c.key for c in archive.clusters], "clusters")
    notes = _unique([n.key for n in archive.notes], "notes")
    kinds = {
        k.get("key") for k in archive.workshop.settings.get("kinds", []) if isinstance(k, dict)
    }
    targets = {"cluster": clusters, "note": notes}
    wanted: list[tuple[str, object, set[Any]]] = []
    wanted += [("participants", p.viewpoint, slugs | {None}) for p in archive.participants]
    wanted += [("clusters", c.viewpoint, slugs | {None}) for c in archive.clusters]
    for n in archive.notes:
        wanted += [("notes", n.viewpoint, slugs), ("notes", n.author, people | {None})]
        wanted += [("notes", n.cluster, clusters | {None}), ("notes", n.kind, kinds)]
    wanted += [("endorsements", e.note, notes) for e in archive.endorsements]
    wanted += [("endorsements", e.participant, people) for e in archive.endorsements]
    ballots: list[_Vote | _Score] = [*archive.votes, *archive.risk_scores]
    for ballot in ballots:
        wanted += [("votes", ballot.participant, people)]
        wanted += [("votes", ballot.target, targets[ballot.target_type])]
    for where, value, known in wanted:
        if value not in known:
            raise InvalidInput(
                N_("The archive refers to %(value)r in %(where)s, which it does not define."),
                value=value,
                where=where,
            )


def _unique(keys: list[str], where: str) -> set[Any]:
    if len(set(keys)) != len(keys):
        raise InvalidInput(N_("The archive repeats a key in %(where)s."), where=where)
    return set(keys)


def restore(db: Session, archive: Archive, owner: Facilitator) -> Workshop:
    """Create the archived workshop anew (new id, join code and display link); flushes only."""
    source = archive.workshop
    now = utcnow()
    closed = source.phase == "closed"
    workshop = Workshop(
        owner=owner,
        title=source.title,
        theme=source.theme,
        intro=source.intro,
        place=source.place,
        date=source.date,
        language=source.language,
        join_code=unused_join_code(db),
        display_token=secrets.token_urlsafe(24),
        phase=source.phase,
        settings=source.settings,
        plan_source=source.plan_source,
        created_at=now,
        updated_at=now,
        closed_at=(source.closed_at or now) if closed else None,
    )
    workshop.viewpoints = [
        Viewpoint(
            slug=v.slug, name=v.name, question=v.question, colour=v.colour, position=v.position
        )
        for v in archive.viewpoints
    ]
    db.add(workshop)
    db.flush()
    # The log starts at the original time, so the imported timeline reads like the original.
    created = events.append(
        db,
        workshop.id,
        names.WORKSHOP_CREATED,
        {
            "title": workshop.title,
            "viewpoints": [vp.slug for vp in workshop.viewpoints],
            "imported": True,
        },
        actor=f"facilitator:{owner.id}",
    )
    created.created_at = archive.created_at or now
    viewpoint = {vp.slug: vp.id for vp in workshop.viewpoints}
    people = _participants(db, workshop, archive, viewpoint)
    clusters = {c.key: str(uuid.uuid4()) for c in archive.clusters}
    for c in archive.clusters:
        db.add(
            Cluster(
                id=clusters[c.key],
                workshop_id=workshop.id,
                viewpoint_id=viewpoint.get(c.viewpoint or ""),
                title=c.title,
                position=c.position,
                created_at=c.created_at,
                updated_at=c.created_at,
            )
        )
    notes = {n.key: str(uuid.uuid4()) for n in archive.notes}
    db.flush()
    for n in archive.notes:
        db.add(
            Note(
                id=notes[n.key],
                workshop_id=workshop.id,
                viewpoint_id=viewpoint[n.viewpoint],
                author_id=people.get(n.author or ""),
                by_facilitator=n.by_facilitator,
                kind=n.kind,
                text=n.text,
                cluster_id=clusters.get(n.cluster or ""),
                position=n.position,
                hidden=n.hidden,
                created_at=n.created_at,
                updated_at=n.updated_at,
            )
        )
    db.flush()
    _ballots(db, workshop, archive, people, {"cluster": clusters, "note": notes})
    for change in archive.phase_changes:
        event = events.append(
            db,
            workshop.id,
            names.PHASE_CHANGED,
            {
                "phase": change.phase,
                "previous": change.previous,
                "resync": False,
                "timer": state.timer_info(workshop),
                "join_code": workshop.join_code,
                "results_revealed": bool(workshop.settings.get("results_revealed", False)),
                "imported": True,
            },
            actor="system",
        )
        event.created_at = change.at
    db.flush()
    return workshop


def _participants(
    db: Session, workshop: Workshop, archive: Archive, viewpoint: dict[str, int]
) -> dict[str, int]:
    found = {}
    for p in archive.participants:
        # Nobody holds a secret for an imported participant: they cannot sign in as anyone.
        person = Participant(
            workshop_id=workshop.id,
            viewpoint_id=viewpoint.get(p.viewpoint or ""),
            display_name=p.name or None,
            secret_hash="imported-" + secrets.token_hex(27),
            is_proxy=p.is_proxy,
            created_at=p.created_at,
        )
        db.add(person)
        db.flush()
        found[p.key] = person.id
    return found


def _ballots(
    db: Session,
    workshop: Workshop,
    archive: Archive,
    people: dict[str, int],
    targets: dict[str, dict[str, str]],
) -> None:
    for e in archive.endorsements:
        db.add(
            Endorsement(
                workshop_id=workshop.id,
                note_id=targets["note"][e.note],
                participant_id=people[e.participant],
            )
        )
    for v in archive.votes:
        db.add(
            Vote(
                workshop_id=workshop.id,
                participant_id=people[v.participant],
                target_type=v.target_type,
                target_id=targets[v.target_type][v.target],
                dots=v.dots,
            )
        )
    for s in archive.risk_scores:
        db.add(
            RiskScore(
                workshop_id=workshop.id,
                participant_id=people[s.participant],
                target_type=s.target_type,
                target_id=targets[s.target_type][s.target],
                likelihood=s.likelihood,
                impact=s.impact,
            )
        )
    db.flush()
