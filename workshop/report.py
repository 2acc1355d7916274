"""The session summary as one plain structure: what every export and the report page render.

Built from the same tallies as the projector (``workshop.summary``), so they never disagree.
Everything in it is JSON-serialisable; times are ISO 8601 in the report's time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workshop import progress, summary, voting_rules
from workshop.i18n_markers import N_
from workshop.models import Endorsement, Facilitator, Note, Participant, Workshop
from workshop.report_cross import cross_viewpoint
from workshop.report_people import facilitator_label, labels, names_recorded
from workshop.report_timeline import timeline

Translate = Callable[[str], str]
# The meetings this is made for happen in the Netherlands; callers may pass another zone.
DEFAULT_ZONE = "Europe/Amsterdam"
MATRIX_SIZE = 5


def identity(message: str) -> str:
    """A translate function that leaves English as it is."""
    return message


def build_report(
    db: Session,
    workshop: Workshop,
    translate: Translate = identity,
    *,
    include_names: bool = False,
    zone: dt.tzinfo | None = None,
) -> dict[str, Any]:
    """The whole summary: header, participation, viewpoints, cross-view, ranking, matrix, times."""
    zone = zone or ZoneInfo(DEFAULT_ZONE)
    tallies = summary.tallies(db, workshop)
    ranked: list[dict[str, Any]] = tallies["items"]
    names = {vp.id: vp.name for vp in workshop.viewpoints}
    untitled = translate(N_("Untitled cluster"))
    for row in ranked:
        if row["target_type"] == "cluster" and not row["title"]:
            row["title"] = untitled
    notes = _notes(db, workshop, translate, include_names, zone)
    by_key = {f"{row['target_type']}:{row['target_id']}": row for row in ranked}
    cluster_titles = {
        row["target_id"]: row["title"] for row in ranked if row["target_type"] == "cluster"
    }
    for note in notes:
        note["cluster"] = cluster_titles.get(note["cluster_id"] or "")
    return {
        "header": _header(db, workshop, include_names),
        "participation": _participation(db, workshop, notes),
        "voting": {**voting_rules.settings(workshop), "voters": tallies["voters"]},
        "viewpoints": [_viewpoint(vp.id, workshop, notes, ranked, by_key) for vp in _vps(workshop)],
        "cross": cross_viewpoint(ranked, names),
        "ranking": [_ranked(row, names, translate) for row in ranked],
        "matrix": _matrix(ranked),
        "timeline": timeline(db, workshop, translate, zone),
        "appendix": notes,
    }


def _vps(workshop: Workshop) -> list[Any]:
    return sorted(workshop.viewpoints, key=lambda vp: (vp.position, vp.id))


def _header(db: Session, workshop: Workshop, include_names: bool) -> dict[str, Any]:
    owner = db.get(Facilitator, workshop.owner_id)
    facilitator = (owner.display_name or owner.email) if owner else ""
    return {
        "title": workshop.title,
        "theme": workshop.theme,
        "intro": workshop.intro,
        "date": workshop.date.isoformat() if workshop.date else None,
        "date_text": format_date(workshop.date, "long", locale=workshop.language)
        if workshop.date
        else "",
        "place": workshop.place,
        "facilitator": facilitator,
        "language": workshop.language,
        "names_included": include_names and names_recorded(workshop),
        "kinds": {k["key"]: k["label"] for k in workshop.settings.get("kinds", [])},
    }


def _notes(
    db: Session, workshop: Workshop, translate: Translate, include_names: bool, zone: dt.tzinfo
) -> list[dict[str, Any]]:
    """Every visible note in posting order, numbered; the appendix and the sections share them."""
    kinds = {k["key"]: k["label"] for k in workshop.settings.get("kinds", [])}
    names = {vp.id: vp.name for vp in workshop.viewpoints}
    people = labels(db, workshop, translate, include_names=include_names)
    by_facilitator = facilitator_label(translate)
    plus_ones = dict(
        db.execute(
            select(Endorsement.note_id, func.count())
            .where(Endorsement.workshop_id == workshop.id)
            .group_by(Endorsement.note_id)
        ).all()
    )
    rows = db.scalars(
        select(Note)
        .where(Note.workshop_id == workshop.id, Note.deleted_at.is_(None), Note.hidden.is_(False))
        .order_by(Note.created_at, Note.id)
    ).all()
    found = []
    for number, note in enumerate(rows, start=1):
        local = note.created_at.astimezone(zone)
        found.append(
            {
                "number": number,
                "id": note.id,
                "viewpoint_id": note.viewpoint_id,
                "viewpoint": names.get(note.viewpoint_id, ""),
                "kind": note.kind,
                "kind_label": kinds.get(note.kind, note.kind),
                "text": note.text,
                "author": people.get(note.author_id, "") if note.author_id else by_facilitator,
                "created_at": local.isoformat(timespec="seconds"),
                "time": local.strftime("%H:%M"),
                "plus_ones": int(plus_ones.get(note.id, 0)),
                "cluster_id": note.cluster_id,
                "position": note.position,
            }
        )
    return found


def _participation(
    db: Session, workshop: Workshop, notes: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    people = db.execute(
        select(Participant.viewpoint_id, Participant.is_proxy, func.count())
        .where(Participant.workshop_id == workshop.id)
        .group_by(Participant.viewpoint_id, Participant.is_proxy)
    ).all()
    voted = progress.progress(db, workshop)["voted"]
    rows = []
    for vp in _vps(workshop):
        rows.append(
            {
                "viewpoint": vp.name,
                "slug": vp.slug,
                "colour": vp.colour,
                "participants": sum(n for v, proxy, n in people if v == vp.id and not proxy),
                "proxies": sum(n for v, proxy, n in people if v == vp.id and proxy),
                "notes": sum(1 for note in notes if note["viewpoint_id"] == vp.id),
                "voters": int(voted.get(str(vp.id), 0)),
            }
        )
    return rows


def _viewpoint(
    viewpoint_id: int,
    workshop: Workshop,
    notes: list[dict[str, Any]],
    ranked: list[dict[str, Any]],
    by_key: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """One viewpoint's section: its clusters by overall rank with its notes, then loose notes."""
    vp = next(v for v in workshop.viewpoints if v.id == viewpoint_id)
    mine = [note for note in notes if note["viewpoint_id"] == viewpoint_id]
    grouped: dict[str, list[dict[str, Any]]] = {}
    loose = []
    for note in mine:
        cluster_id = _cluster_of(note, by_key)
        if cluster_id is None:
            loose.append(note)
        else:
            grouped.setdefault(cluster_id, []).append(note)
    clusters = []
    for cluster_id, members in grouped.items():
        row = by_key[f"cluster:{cluster_id}"]
        members.sort(key=lambda n: (n["position"], n["created_at"], n["id"]))
        clusters.append({**_figures(row, viewpoint_id), "notes": members})
    clusters.sort(key=lambda c: c["rank"])
    loose.sort(key=lambda n: (_loose_row(n, by_key)["rank"] or len(by_key) + 1, n["number"]))
    return {
        "name": vp.name,
        "slug": vp.slug,
        "colour": vp.colour,
        "question": vp.question,
        "clusters": clusters,
        "unclustered": [
            {**_figures(_loose_row(note, by_key), viewpoint_id), "note": note} for note in loose
        ],
    }


def _cluster_of(note: dict[str, Any], by_key: dict[str, dict[str, Any]]) -> str | None:
    cluster_id = note["cluster_id"]
    return cluster_id if cluster_id and f"cluster:{cluster_id}" in by_key else None


def _loose_row(note: dict[str, Any], by_key: dict[str, dict[str, Any]]) -> dict[str, Any]:
    # A note left in a removed cluster is no votable item; it still belongs in the report.
    return by_key.get(f"note:{note['id']}") or {
        "rank": None,
        "target_type": "note",
        "target_id": note["id"],
        "title": note["text"],
        "dots": 0,
        "dots_by_viewpoint": {},
        "voters": 0,
        "plus_ones": note["plus_ones"],
        "likelihood": None,
        "impact": None,
        "risk_score": None,
        "disagreement": False,
        "raised_by": [note["viewpoint_id"]],
    }


def _figures(row: dict[str, Any], viewpoint_id: int) -> dict[str, Any]:
    return {
        "rank": row["rank"],
        "target_type": row["target_type"],
        "target_id": row["target_id"],
        "title": row["title"],
        "dots": row["dots"],
        "dots_from_viewpoint": row["dots_by_viewpoint"].get(str(viewpoint_id), 0),
        "voters": row["voters"],
        "plus_ones": row["plus_ones"],
        "likelihood": row["likelihood"],
        "impact": row["impact"],
        "risk_score": row["risk_score"],
        "disagreement": row["disagreement"],
        "raised_by_count": len(row["raised_by"]),
    }


def _ranked(row: dict[str, Any], names: dict[int, str], translate: Translate) -> dict[str, Any]:
    nobody = translate(N_("No group"))
    return {
        **{key: value for key, value in row.items() if key not in ("raised_by", "spread")},
        "raised_by": [names[v] for v in row["raised_by"] if v in names],
        "dots_by_viewpoint": {
            names.get(int(k), nobody) if k.isdigit() else nobody: dots
            for k, dots in sorted(row["dots_by_viewpoint"].items())
        },
        "spread": row["spread"],
    }


def _matrix(ranked: list[dict[str, Any]]) -> dict[str, Any]:
    """The 5×5 risk matrix: each rated item in the cell of its rounded median ratings."""
    # cells[impact - 1][likelihood - 1]: the ranks of the items in that cell.
    cells: list[list[list[int]]] = [[[] for _ in range(MATRIX_SIZE)] for _ in range(MATRIX_SIZE)]
    points = []
    for row in ranked:
        if row["likelihood"] is None:
            continue
        # Half-way medians (3.5) round up: a risk is placed in the more serious cell.
        likelihood = min(MATRIX_SIZE, int(row["likelihood"] + 0.5))
        impact = min(MATRIX_SIZE, int(row["impact"] + 0.5))
        cells[impact - 1][likelihood - 1].append(row["rank"])
        points.append(
            {
                "rank": row["rank"],
                "title": row["title"],
                "likelihood": row["likelihood"],
                "impact": row["impact"],
                "risk_score": row["risk_score"],
                "cell": [likelihood, impact],
            }
        )
    return {"size": MATRIX_SIZE, "points": points, "cells": cells}
