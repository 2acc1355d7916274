"""Results: tallies of dots, risk scores and +1s per item, overall and per viewpoint (pandas).

One module for the projector's results and for every export, so they can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    import pandas as pd

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
    by_cluster: dict[str, list[Note]] = {}
    for note in notes:
        if note.cluster_id is not None:
            by_cluster.setdefault(note.cluster_id, []).append(note)
    found: list[Item] = []
    for cluster in clusters:
        members = by_cluster.get(cluster.id, [])
        if members:
            raised = tuple(sorted({note.viewpoint_id for note in members}))
            found.append(Item("cluster", cluster.id, cluster.title, raised, len(members)))
    for note in sorted(notes, key=lambda n: (n.created_at, n.id)):
        if note.cluster_id is None:
            found.append(Item("note", note.id, note.text, (note.viewpoint_id,), 1))
    return found


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    # Imported here: pandas costs 40 MB, and a server needs it only once voting starts.
    import pandas as pd

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
                "key": f"{kind}:{target}",
                "viewpoint": _viewpoint_key(voter_viewpoint.get(participant)),
                "dots": dots,
                "participant": participant,
            }
            for kind, target, participant, dots in db.execute(
                select(Vote.target_type, Vote.target_id, Vote.participant_id, Vote.dots).where(
                    Vote.workshop_id == workshop.id, Vote.dots > 0
                )
            )
        ],
        ["key", "viewpoint", "dots", "participant"],
    )
    scores = _frame(
        [
            {"key": f"{kind}:{target}", "likelihood": likelihood, "impact": impact}
            for kind, target, likelihood, impact in db.execute(
                select(
                    RiskScore.target_type,
                    RiskScore.target_id,
                    RiskScore.likelihood,
                    RiskScore.impact,
                ).where(RiskScore.workshop_id == workshop.id)
            )
        ],
        ["key", "likelihood", "impact"],
    )
    aggregates = _Aggregates.of(votes, scores, _plus_ones(db, workshop))
    rows = [aggregates.row(item) for item in known]
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


@dataclass(frozen=True)
class _Aggregates:
    """Per-item figures, each computed once for all items with a pandas groupby."""

    dots: dict[str, int]
    voters: dict[str, int]
    by_viewpoint: dict[str, dict[str, int]]
    ratings: dict[str, int]
    likelihood: dict[str, float]
    impact: dict[str, float]
    spread: dict[str, dict[str, float]]
    plus_ones: dict[str, int]

    @classmethod
    def of(
        cls, votes: pd.DataFrame, scores: pd.DataFrame, plus_ones: dict[str, int]
    ) -> _Aggregates:
        """Group the votes and scores by item."""
        # Typed columns: an empty frame would otherwise hold objects that cannot be averaged.
        votes = votes.astype({"dots": "int64"})
        scores = scores.astype({"likelihood": "float64", "impact": "float64"})
        by_key = votes.groupby("key")
        by_viewpoint: dict[str, dict[str, int]] = {}
        for index, dots in votes.groupby(["key", "viewpoint"])["dots"].sum().items():
            key, viewpoint = cast(tuple[str, str], index)
            by_viewpoint.setdefault(key, {})[viewpoint] = int(dots)
        rated = scores.groupby("key")[["likelihood", "impact"]]
        medians = rated.median()
        # The interquartile range per axis: how far apart the room's ratings are.
        iqr = rated.quantile(0.75) - rated.quantile(0.25)
        return cls(
            dots={str(k): int(v) for k, v in by_key["dots"].sum().items()},
            voters={str(k): int(v) for k, v in by_key["participant"].nunique().items()},
            by_viewpoint=by_viewpoint,
            ratings={str(k): int(v) for k, v in scores.groupby("key").size().items()},
            likelihood={str(k): float(v) for k, v in medians["likelihood"].items()},
            impact={str(k): float(v) for k, v in medians["impact"].items()},
            spread={
                str(k): {"likelihood": float(row["likelihood"]), "impact": float(row["impact"])}
                for k, row in iqr.iterrows()
            },
            plus_ones=plus_ones,
        )

    def row(self, item: Item) -> dict[str, Any]:
        """One item's figures, as the screens and the exports show them."""
        key = f"{item.target_type}:{item.target_id}"
        row: dict[str, Any] = {
            "target_type": item.target_type,
            "target_id": item.target_id,
            "title": item.title,
            "raised_by": list(item.viewpoint_ids),
            "note_count": item.note_count,
            "dots": self.dots.get(key, 0),
            "dots_by_viewpoint": self.by_viewpoint.get(key, {}),
            "voters": self.voters.get(key, 0),
            "plus_ones": self.plus_ones.get(key, 0),
            "ratings": self.ratings.get(key, 0),
            "likelihood": None,
            "impact": None,
            "risk_score": None,
            "spread": None,
            "disagreement": False,
        }
        if key in self.likelihood:
            likelihood, impact, spread = self.likelihood[key], self.impact[key], self.spread[key]
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
