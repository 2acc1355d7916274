"""A workshop for the export tests, built through the domain API: three viewpoints, voted on."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from tests.support.factories import Factory
from workshop import clusters, dots, notes, participants, phases, votes
from workshop.actors import Actor
from workshop.models import Participant, Workshop

PLAN = """\
title: Cloud strategy
theme: Consequences and risks of the cloud, per viewpoint
date: 2015-06-13
place: Soesterberg
language: {language}
anonymous: {anonymous}
viewpoints:
  - name: Municipalities
    question: What follows for municipalities?
  - name: Shared service
    question: What follows for a shared service organisation?
  - name: Suppliers
    question: What follows for suppliers?
clustering:
  scope: plenary
voting:
  mode: both
  dots_per_participant: 5
  max_dots_per_item: 3
"""

PEOPLE = [
    ("Anna Jansen", "municipalities"),
    ("Bram de Vries", "municipalities"),
    ("Cor Bakker", "shared-service"),
    ("Dirk Visser", "shared-service"),
    ("Eva Smit", "suppliers"),
    ("Fleur Mulder", "suppliers"),
]
# (author index, kind, text); the formula-like texts test neutralisation in CSV and Excel.
NOTES = [
    (0, "risk", "Citizen data leaves the municipality"),
    (0, "consequence", "Staff need new skills"),
    (1, "risk", "Locked in with one supplier"),
    (1, "risk", '=HYPERLINK("http://evil.example","click")'),
    (2, "risk", "Privacy agreements per municipality differ"),
    (2, "consequence", "+31 extra cost per seat"),
    (3, "risk", "Exit strategy is missing"),
    (3, "consequence", "-10% budget for local IT"),
    (4, "risk", "Liability for data leaks\nis unclear"),
    (4, "consequence", "@SUM(A1:A9) subscriptions instead of licences"),
    (5, "risk", "Costs are hard to share between municipalities"),
    (5, "consequence", "New partnerships between suppliers"),
]
HIDDEN = "Offensive note the facilitator hid"


def op() -> str:
    """A fresh operation id."""
    return uuid.uuid4().hex


@dataclass
class Built:
    """The workshop and what the tests need to find again."""

    workshop: Workshop
    people: list[Participant]
    note_ids: list[str]
    clusters: dict[str, str] = field(default_factory=dict)


def build(db: Session, factory: Factory, *, language: str = "en", anonymous: bool = False) -> Built:
    """Post, cluster, +1, vote and score: Privacy first, Lock-in second, Costs third."""
    owner = factory.facilitator()
    plan = PLAN.format(language=language, anonymous="true" if anonymous else "false")
    workshop = factory.workshop(owner=owner, plan_text=plan)
    boss = Actor("facilitator", facilitator_id=owner.id)
    people = [participants.join(db, workshop, name, slug)[0] for name, slug in PEOPLE]
    phases.set_phase(db, workshop, boss, "brainstorm", op())
    ids = []
    for author, kind, body in NOTES:
        ids.append(str(uuid.uuid4()))
        actor = Actor("participant", participant=people[author])
        notes.add(db, workshop, actor, note_id=ids[-1], kind=kind, body=body, op_id=op())
    hidden = str(uuid.uuid4())
    notes.add(
        db,
        workshop,
        Actor("participant", participant=people[0]),
        note_id=hidden,
        kind="risk",
        body=HIDDEN,
        op_id=op(),
    )
    notes.set_hidden(db, workshop, boss, note_id=hidden, hidden=True, op_id=op())
    phases.set_phase(db, workshop, boss, "share", op())
    notes.endorse(
        db,
        workshop,
        Actor("participant", participant=people[4]),
        note_id=ids[0],
        endorsed=True,
        op_id=op(),
    )
    phases.set_phase(db, workshop, boss, "cluster", op())
    built = Built(workshop, people, ids)
    for title, members in [
        ("Privacy", [0, 4, 8]),  # all three viewpoints
        ("Lock-in", [2, 6]),  # municipalities and shared service
        ("Costs", [10, 7]),  # suppliers and shared service
    ]:
        built.clusters[title] = str(uuid.uuid4())
        clusters.create(
            db,
            workshop,
            boss,
            cluster_id=built.clusters[title],
            title=title,
            note_ids=[ids[m] for m in members],
            position=None,
            op_id=op(),
        )
    phases.set_phase(db, workshop, boss, "vote", op())
    chosen = {  # person → [(cluster or note:N, dots)]; suppliers put everything on Costs
        0: [("Privacy", 3), ("Lock-in", 2)],
        1: [("Privacy", 3), ("Lock-in", 1), ("note:1", 1)],  # a loose note too
        2: [("Privacy", 2), ("Lock-in", 2)],
        3: [("Privacy", 1), ("Lock-in", 1)],
        4: [("Costs", 3)],
        5: [("Costs", 2)],
    }
    for index, choices in chosen.items():
        actor = Actor("participant", participant=people[index])
        for title, count in choices:
            kind, target = (
                ("note", ids[int(title[5:])])
                if title.startswith("note:")
                else ("cluster", built.clusters[title])
            )
            for _ in range(count):
                dots.change_dots(
                    db,
                    workshop,
                    actor,
                    target_type=kind,
                    target_id=target,
                    delta=1,
                    op_id=op(),
                )
    ratings = {"Privacy": [(4, 5), (5, 5), (1, 2)], "Lock-in": [(3, 4), (3, 3)], "Costs": [(2, 2)]}
    for title, rated in ratings.items():
        for index, (likelihood, impact) in enumerate(rated):
            votes.score(
                db,
                workshop,
                Actor("participant", participant=people[index]),
                target_type="cluster",
                target_id=built.clusters[title],
                likelihood=likelihood,
                impact=impact,
                op_id=op(),
            )
    phases.set_phase(db, workshop, boss, "results", op())
    db.commit()
    return built


def visible_texts() -> list[str]:
    """Every note the report must show, verbatim."""
    return [body for _author, _kind, body in NOTES]
