"""Who votes and on what: the voter behind a command, and which items may get dots or ratings.

One rule for a single command (``voter``, ``target``) and for a burst of dots (``Items``, which
reads every item of the burst at once); both end in ``_check_cluster`` and ``_check_note``.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workshop import validate
from workshop.actors import Actor
from workshop.errors import Forbidden, InvalidInput, NotFound
from workshop.i18n_markers import N_
from workshop.models import Cluster, Note, Participant, Workshop

TARGET_TYPES = ("cluster", "note")

_NOT_VOTABLE = N_("That item cannot be voted on.")


def voter(db: Session, workshop: Workshop, actor: Actor, on_behalf_of: object) -> Participant:
    """The participant whose vote this is: the phone itself, or a proxy the facilitator holds."""
    if actor.is_facilitator:
        proxy = db.get(Participant, validate.record_id(on_behalf_of))
        if proxy is None or proxy.workshop_id != workshop.id or not proxy.is_proxy:
            raise NotFound(N_("That participant is not in this workshop."))
        return proxy
    if actor.participant is None:
        raise Forbidden()
    return actor.participant


def _parse(target_type: object, target_id: object) -> tuple[str, str]:
    if target_type not in TARGET_TYPES:
        raise InvalidInput(N_("Vote on a cluster or a note."))
    return str(target_type), validate.note_uuid(target_id)


def _check_cluster(cluster: Cluster | None, workshop: Workshop, has_notes: bool) -> None:
    """A cluster may be voted on while it exists here and holds a visible note."""
    if cluster is None or cluster.workshop_id != workshop.id or cluster.deleted_at or not has_notes:
        raise NotFound(_NOT_VOTABLE)


def _check_note(note: Note | None, workshop: Workshop) -> None:
    """A note may be voted on while it is visible and outside any cluster."""
    if (
        note is None
        or note.workshop_id != workshop.id
        or note.deleted_at is not None
        or note.hidden
        or note.cluster_id is not None
    ):
        raise NotFound(_NOT_VOTABLE)


def target(
    db: Session, workshop: Workshop, target_type: object, target_id: object
) -> tuple[str, str]:
    """A votable item: a cluster that holds notes, or a visible note outside any cluster."""
    kind, identifier = _parse(target_type, target_id)
    if kind == "cluster":
        has_notes = db.scalar(
            select(func.count())
            .select_from(Note)
            .where(Note.cluster_id == identifier, Note.deleted_at.is_(None), Note.hidden.is_(False))
        )
        _check_cluster(db.get(Cluster, identifier), workshop, bool(has_notes))
    else:
        _check_note(db.get(Note, identifier), workshop)
    return kind, identifier


class Items:
    """The items a burst of dots names, read at once: three queries however many dots."""

    def __init__(self, db: Session, workshop: Workshop, wanted: Iterable[tuple[object, object]]):
        self.workshop = workshop
        cluster_ids: set[str] = set()
        note_ids: set[str] = set()
        for target_type, target_id in wanted:
            try:
                kind, identifier = _parse(target_type, target_id)
            except InvalidInput:
                continue  # refused when its turn comes
            (cluster_ids if kind == "cluster" else note_ids).add(identifier)
        self.clusters = (
            {c.id: c for c in db.scalars(select(Cluster).where(Cluster.id.in_(cluster_ids)))}
            if cluster_ids
            else {}
        )
        self.visible_notes: dict[str, int] = (
            {
                str(cluster_id): int(count)
                for cluster_id, count in db.execute(
                    select(Note.cluster_id, func.count())
                    .where(
                        Note.cluster_id.in_(cluster_ids),
                        Note.deleted_at.is_(None),
                        Note.hidden.is_(False),
                    )
                    .group_by(Note.cluster_id)
                )
            }
            if cluster_ids
            else {}
        )
        self.notes = (
            {n.id: n for n in db.scalars(select(Note).where(Note.id.in_(note_ids)))}
            if note_ids
            else {}
        )

    def check(self, target_type: object, target_id: object) -> tuple[str, str]:
        """The item as (kind, id), or the same refusal ``target`` gives."""
        kind, identifier = _parse(target_type, target_id)
        if kind == "cluster":
            has_notes = self.visible_notes.get(identifier, 0) > 0
            _check_cluster(self.clusters.get(identifier), self.workshop, has_notes)
        else:
            _check_note(self.notes.get(identifier), self.workshop)
        return kind, identifier
