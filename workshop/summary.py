"""Results: tallies of dots, risk scores and +1s per item, overall and per viewpoint (pandas).

One module for the projector's results and for every export, so they can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop.models import Cluster, Endorsement, Note, Participant, RiskScore, Vote, Workshop

# A rating spread (interquartile range) this wide on either axis means the room disagrees.
DISAGREEMENT_IQR = 2.0


@dataclass(frozen=True)
class Item:
    """A votable item: a cluster, or a note outside any cluster."""

    target_type: str
    target_id: str
    title: str
    viewpoint_ids: tuple[int, ...]  # viewpoints whose notes it holds ("raised by")
    note_count: int


def items(db: Session, workshop: Workshop) -> list[Item]:
    """Clusters with visible notes, then visible notes outside any cluster."""
    notes = db.scalars(
        select(Note).where(
            Note.workshop_id == workshop.id, Note.deleted_at.is_(None), Note.hidden.is_(False)
        )
    ).all()
    clusters = db.scalars(
        select(Cluster)
        .where(Cluster.workshop_id == workshop.id, Cluster.deleted_at.is_(None))
        .order_by(Cluster.position, Cluster.created_at)
    ).all()
    found: list[Item] = []
    for cluster in clusters:
        members = [note for note in notes if note.cluster_id == cluster.id]
        if members:
            raised = tuple(sorted({note.viewpoint_id for note in members}))
            found.append(Item("cluster", cluster.id, cluster.title, raised, len(members)))
    for note in sorted(notes, key=lambda n: (n.created_at, n.id)):
        if note.cluster_id is None:
            found.append(Item("note", note.id, note.text, (note.viewpoint_id,), 1))
    return found


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def tallies(db: Session, workshop: Workshop) -> dict[str, Any]:
    """Ranked items with dots (overall and by voters' viewpoint), risk medians, spread, +1s."""
    known = items(db, workshop)
    voter_viewpoint = dict(
        db.execute(
            select(Participant.id, Participant.viewpoint_id).where(
                Participant.workshop_id == workshop.id
            )
        ).all()
    )
    votes = _frame(
        [
            {
                "key": f"{v.target_type}:{v.target_id}",
                "viewpoint": _viewpoint_key(voter_viewpoint.get(v.participant_id)),
                "dots": v.dots,
                "participant": v.participant_id,
            }
            for v in db.scalars(select(Vote).where(Vote.workshop_id == workshop.id, Vote.dots > 0))
        ],
        ["key", "viewpoint", "dots", "participant"],
    )
    scores = _frame(
        [
            {
                "key": f"{s.target_type}:{s.target_id}",
                "likelihood": s.likelihood,
                "impact": s.impact,
            }
            for s in db.scalars(select(RiskScore).where(RiskScore.workshop_id == workshop.id))
        ],
        ["key", "likelihood", "impact"],
    )
    plus_ones = _plus_ones(db, workshop)
    rows = [_item_row(item, votes, scores, plus_ones) for item in known]
    ranked = sorted(
        rows, key=lambda r: (-r["dots"], -(r["risk_score"] or 0), r["title"].casefold())
    )
    for rank, row in enumerate(ranked, start=1):
        row["rank"] = rank
    return {"items": ranked, "voters": int(votes["participant"].nunique()) if len(votes) else 0}


def _plus_ones(db: Session, workshop: Workshop) -> dict[str, int]:
    """+1s per item: a cluster collects the +1s of its notes."""
    rows = db.execute(
        select(Note.id, Note.cluster_id)
        .join(Endorsement, Endorsement.note_id == Note.id)
        .where(Note.workshop_id == workshop.id)
    ).all()
    counts: dict[str, int] = {}
    for note_id, cluster_id in rows:
        key = f"cluster:{cluster_id}" if cluster_id else f"note:{note_id}"
        counts[key] = counts.get(key, 0) + 1
    return counts


def _item_row(
    item: Item, votes: pd.DataFrame, scores: pd.DataFrame, plus_ones: dict[str, int]
) -> dict[str, Any]:
    key = f"{item.target_type}:{item.target_id}"
    mine = votes[votes["key"] == key]
    by_viewpoint = {
        str(viewpoint): int(dots)
        for viewpoint, dots in mine.groupby("viewpoint")["dots"].sum().items()
    }
    rated = scores[scores["key"] == key]
    row: dict[str, Any] = {
        "target_type": item.target_type,
        "target_id": item.target_id,
        "title": item.title,
        "raised_by": list(item.viewpoint_ids),
        "note_count": item.note_count,
        "dots": int(mine["dots"].sum()),
        "dots_by_viewpoint": by_viewpoint,
        "voters": int(mine["participant"].nunique()),
        "plus_ones": plus_ones.get(key, 0),
        "ratings": len(rated),
        "likelihood": None,
        "impact": None,
        "risk_score": None,
        "spread": None,
        "disagreement": False,
    }
    if len(rated):
        likelihood = float(rated["likelihood"].median())
        impact = float(rated["impact"].median())
        spread = {
            "likelihood": _iqr(rated["likelihood"]),
            "impact": _iqr(rated["impact"]),
        }
        row.update(
            likelihood=likelihood,
            impact=impact,
            risk_score=likelihood * impact,
            spread=spread,
            disagreement=max(spread.values()) >= DISAGREEMENT_IQR,
        )
    return row


def _viewpoint_key(viewpoint_id: int | None) -> str:
    # String keys keep pandas from turning ids into floats when someone has no viewpoint.
    return "none" if viewpoint_id is None else str(viewpoint_id)


def _iqr(values: pd.Series) -> float:
    return float(values.quantile(0.75) - values.quantile(0.25))
