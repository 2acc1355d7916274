"""A workshop with something of everything, for sending every realtime event (matrix, fuzzing).

Workshop A: its facilitator's console, the wall, two phones in one viewpoint (Anna sends, Bram
wrote the notes she may endorse and vote on), two clusters, a proxy, dots already spent (so
``vote:remove`` has one to take back). Workshop B, owned by someone else, with a phone and a
console of its own: the "other workshop" roles. ``ids`` fills ``workshop.realtime.examples``.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.factories import Factory
from tests.support.realtime import Screen, facilitator_screen, join, note_id, projector_screen
from workshop import plans
from workshop.models import Base, Participant, Workshop
from workshop.paths import DEMO_PLAN
from workshop.realtime import examples, names

# Where each event's example can succeed for the roles allowed to send it.
PHASE_FOR = {
    names.VOTE_ADD: "vote",
    names.VOTE_REMOVE: "vote",
    names.RISK_SCORE: "vote",
    names.RESULTS_REVEAL: "results",
    names.RESULTS_GET: "results",
}


@dataclass
class World:
    """Everything one event needs; the screens by role."""

    app: Flask
    workshop_id: int
    other_id: int
    console: Screen
    wall: Screen
    phone: Screen
    peer: Screen
    ids: dict[str, Any]
    other_phone: Screen | None = None
    other_console: Screen | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def screen(self, role: str) -> Screen:
        """The screen of workshop A that has this role."""
        return {"facilitator": self.console, "participant": self.phone, "projector": self.wall}[
            role
        ]

    def drain(self) -> None:
        """Forget what every screen received so far."""
        for screen in self.screens():
            screen.take()

    def screens(self) -> list[Screen]:
        """Workshop A's screens."""
        return [self.console, self.wall, self.phone, self.peer]

    def facts(self) -> list[tuple[str, dict[str, Any]]]:
        """Everything A's screens received since the last drain."""
        return [fact for screen in self.screens() for fact in screen.take()]

    def payload(self, name: str) -> dict[str, Any]:
        """The event's example with this world's ids (a fresh op id for a command)."""
        return examples.fill(name, self.ids)


@functools.cache
def both_modes_plan() -> Any:
    """The demo plan's voting with dots and risk ratings (so every vote command can apply)."""
    plan = plans.load_plan(DEMO_PLAN.read_text(encoding="utf-8"))
    return plan.voting.model_copy(update={"mode": "both"})


def build(
    app: Flask, db: Session, factory: Factory, phase: str = "brainstorm", *, other: bool = True
) -> World:
    """Workshop A ready for an event in ``phase`` (and B with its screens when ``other``)."""
    # No passwords: they log in by link, and hashing one costs half a second.
    owner = factory.facilitator(password=None)
    workshop = factory.workshop(owner=owner, voting=both_modes_plan())
    other_owner = factory.facilitator(password=None)
    other_workshop = factory.workshop(owner=other_owner)
    slugs = [vp.slug for vp in workshop.viewpoints]
    vp_ids = [vp.id for vp in workshop.viewpoints]
    other_slug = other_workshop.viewpoints[0].slug
    keys = {"display_key": workshop.display_token, "other_key": other_workshop.display_token}
    console = facilitator_screen(app, db, owner, workshop)
    wall = projector_screen(app, workshop)
    _, phone = join(app, workshop, "Anna", slugs[0])
    _, peer = join(app, workshop, "Bram", slugs[0])

    def ok(screen: Screen, name: str, payload: dict[str, Any]) -> dict[str, Any]:
        ack = screen.emit(name, payload)
        assert ack.get("ok"), (name, payload, ack)
        return ack

    ok(console, names.PHASE_SET, {"phase": "brainstorm"})
    mine, theirs, in_cluster, in_other = note_id(), note_id(), note_id(), note_id()
    for screen, identifier in ((phone, mine), (peer, theirs), (peer, in_cluster), (peer, in_other)):
        ok(
            screen,
            names.NOTE_ADD,
            {"note_id": identifier, "kind": "risk", "text": "Cost " + identifier[:4]},
        )
    cluster, other_cluster = note_id(), note_id()
    ok(
        console,
        names.CLUSTER_CREATE,
        {"cluster_id": cluster, "title": "A", "note_ids": [in_cluster]},
    )
    ok(
        console,
        names.CLUSTER_CREATE,
        {"cluster_id": other_cluster, "title": "B", "note_ids": [in_other]},
    )
    ok(console, names.PROXY_ADD, {"display_name": "Mayor", "viewpoint_id": vp_ids[0]})
    with app.extensions["workshop.read_sessionmaker"]() as read:
        people = dict(
            read.execute(
                select(Participant.display_name, Participant.id).where(
                    Participant.workshop_id == workshop.id
                )
            ).all()
        )
    ids = {
        "note": theirs,
        "my_note": mine,
        "cluster": cluster,
        "other_cluster": other_cluster,
        "viewpoint": vp_ids[0],
        "other_viewpoint": vp_ids[1],
        "participant": people["Bram"],
        "proxy": people["Mayor"],
        "kind": "risk",
    }
    ok(console, names.PHASE_SET, {"phase": "vote"})
    dot = {"target_type": "note", "target_id": theirs}
    ok(phone, names.VOTE_ADD, dot)
    ok(console, names.VOTE_ADD, {**dot, "participant_id": ids["proxy"]})
    if phase != "vote":
        ok(console, names.PHASE_SET, {"phase": phase})
    if phase == "results":
        ok(console, names.RESULTS_REVEAL, {"revealed": True})
    world = World(app, workshop.id, other_workshop.id, console, wall, phone, peer, ids)
    if other:
        world.other_console = facilitator_screen(app, db, other_owner, other_workshop)
        _, world.other_phone = join(app, other_workshop, "Zoë", other_slug)
    world.extra.update(keys, other_http=None)
    db.rollback()  # end this session's read, so the app can write (SQLite)
    world.drain()
    return world


def state_hash(app: Flask, workshop_id: int | None = None) -> str:
    """A hash of every row of every table (or only workshop ``workshop_id``'s rows)."""
    digest = hashlib.sha256()
    with app.extensions["workshop.read_sessionmaker"]() as read:
        for table in Base.metadata.sorted_tables:
            query = select(table)
            if workshop_id is not None:
                if table.name == Workshop.__tablename__:
                    query = query.where(table.c.id == workshop_id)
                elif "workshop_id" in table.c:
                    query = query.where(table.c.workshop_id == workshop_id)
                else:
                    continue
            rows = read.execute(query.order_by(*table.primary_key.columns)).all()
            digest.update(f"{table.name}:{[tuple(row) for row in rows]!r}".encode())
    return digest.hexdigest()
