"""JSON archive: everything needed to rebuild the workshop, with a schema version.

Rows refer to each other by archive keys (p1, c1, n1), never by database ids, so an archive of a
rebuilt workshop equals the original's apart from the source id and join code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop.models import (
    Cluster,
    Endorsement,
    Event,
    Note,
    Participant,
    RiskScore,
    Vote,
    Workshop,
)
from workshop.realtime import names
from workshop.report_people import names_recorded

SCHEMA_VERSION = 1
KIND = "denktank-workshop-archive"


def _time(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def build(db: Session, workshop: Workshop, *, include_names: bool = False) -> dict[str, Any]:
    """The archive as a dict; names only when asked for and recorded, deleted notes left out."""
    show_names = include_names and names_recorded(workshop)
    slugs = {vp.id: vp.slug for vp in workshop.viewpoints}
    people = db.scalars(
        select(Participant)
        .where(Participant.workshop_id == workshop.id)
        .order_by(Participant.created_at, Participant.id)
    ).all()
    person_key = {p.id: f"p{n}" for n, p in enumerate(people, start=1)}
    clusters = db.scalars(
        select(Cluster)
        .where(Cluster.workshop_id == workshop.id, Cluster.deleted_at.is_(None))
        .order_by(Cluster.position, Cluster.created_at, Cluster.id)
    ).all()
    cluster_key = {c.id: f"c{n}" for n, c in enumerate(clusters, start=1)}
    notes = db.scalars(
        select(Note)
        .where(Note.workshop_id == workshop.id, Note.deleted_at.is_(None))
        .order_by(Note.created_at, Note.id)
    ).all()
    note_key = {n.id: f"n{i}" for i, n in enumerate(notes, start=1)}
    targets = {"cluster": cluster_key, "note": note_key}
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": KIND,
        "source": {"workshop_id": workshop.id, "join_code": workshop.join_code},
        "names_included": show_names,
        "workshop": {
            "title": workshop.title,
            "theme": workshop.theme,
            "intro": workshop.intro,
            "place": workshop.place,
            "date": workshop.date.isoformat() if workshop.date else None,
            "language": workshop.language,
            "phase": workshop.phase,
            "settings": workshop.settings,
            "plan_source": workshop.plan_source,
            "closed_at": _time(workshop.closed_at),
        },
        "viewpoints": [
            {
                "slug": vp.slug,
                "name": vp.name,
                "question": vp.question,
                "colour": vp.colour,
                "position": vp.position,
            }
            for vp in workshop.viewpoints
        ],
        "participants": [
            {
                "key": person_key[p.id],
                "viewpoint": slugs.get(p.viewpoint_id) if p.viewpoint_id else None,
                "name": p.display_name if show_names else None,
                "is_proxy": p.is_proxy,
                "created_at": _time(p.created_at),
            }
            for p in people
        ],
        "clusters": [
            {
                "key": cluster_key[c.id],
                "viewpoint": slugs.get(c.viewpoint_id) if c.viewpoint_id else None,
                "title": c.title,
                "position": c.position,
                "created_at": _time(c.created_at),
            }
            for c in clusters
        ],
        "notes": [
            {
                "key": note_key[n.id],
                "viewpoint": slugs[n.viewpoint_id],
                "author": person_key.get(n.author_id) if n.author_id else None,
                "by_facilitator": n.by_facilitator,
                "kind": n.kind,
                "text": n.text,
                "cluster": cluster_key.get(n.cluster_id) if n.cluster_id else None,
                "position": n.position,
                "hidden": n.hidden,
                "created_at": _time(n.created_at),
                "updated_at": _time(n.updated_at),
            }
            for n in notes
        ],
        "endorsements": sorted(
            (
                {"note": note_key[e.note_id], "participant": person_key[e.participant_id]}
                for e in db.scalars(
                    select(Endorsement).where(Endorsement.workshop_id == workshop.id)
                )
                if e.note_id in note_key
            ),
            key=lambda e: (e["note"], e["participant"]),
        ),
        "votes": _ballots(
            db.scalars(select(Vote).where(Vote.workshop_id == workshop.id)), person_key, targets
        ),
        "risk_scores": _ballots(
            db.scalars(select(RiskScore).where(RiskScore.workshop_id == workshop.id)),
            person_key,
            targets,
        ),
        "phase_changes": [
            {"phase": payload.get("phase"), "previous": payload.get("previous"), "at": _time(at)}
            for at, payload in db.execute(
                select(Event.created_at, Event.payload)
                .where(Event.workshop_id == workshop.id, Event.type == names.PHASE_CHANGED)
                .order_by(Event.seq)
            )
        ],
        "created_at": _time(
            db.scalars(
                select(Event.created_at).where(Event.workshop_id == workshop.id).order_by(Event.seq)
            ).first()
            or workshop.created_at
        ),
    }


def _ballots(
    rows: Iterable[Vote] | Iterable[RiskScore],
    person_key: dict[int, str],
    targets: dict[str, dict[str, str]],
) -> list[dict[str, Any]]:
    """Dots or ratings on items that still exist, keyed by archive keys, in a stable order."""
    found = []
    for row in rows:
        target = targets.get(row.target_type, {}).get(row.target_id)
        if target is None or (isinstance(row, Vote) and row.dots == 0):
            continue
        entry: dict[str, Any] = {
            "participant": person_key[row.participant_id],
            "target_type": row.target_type,
            "target": target,
        }
        if isinstance(row, Vote):
            entry["dots"] = row.dots
        else:
            entry["likelihood"], entry["impact"] = row.likelihood, row.impact
        found.append(entry)
    return sorted(found, key=lambda e: (e["participant"], e["target_type"], e["target"]))


def render(archive: dict[str, Any]) -> bytes:
    """The archive as UTF-8 JSON text (readable, stable key order)."""
    return (json.dumps(archive, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
