"""The demo session, run to its results through the domain API: the seed meeting's three
viewpoints, the realistic demo notes, ten named clusters, dots and risk ratings.

For the report's browser test and screenshot, where a full, Dutch workshop matters more than
hand-picked numbers (``tests/support/exports.py`` has those).
"""

from __future__ import annotations

import csv
import random
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from tests.support.factories import Factory
from workshop import clusters, dots, notes, participants, phases, votes
from workshop.actors import Actor
from workshop.models import Facilitator, Workshop
from workshop.paths import DEMO_PLAN

DEMO_NOTES = Path(__file__).resolve().parents[3] / "shared" / "data" / "demo-notes.csv"
# Cluster label of the demo notes → the title the facilitator gave it; the rest stay loose.
TITLES = {
    "privacy": "Privacy en AVG: waar staan de burgergegevens?",
    "lock-in": "Vendor lock-in en exit-strategie",
    "regie": "Regie op de leverancier en SLA's",
    "beveiliging": "Beveiliging: één leverancier, één doelwit",
    "beschikbaarheid": "Beschikbaarheid en storingen",
    "kosten": "Kosten en verdeelsleutel",
    "personeel": "Personeel: van beheer naar regie",
    "wetgeving": "Wetgeving loopt achter",
    "migratie": "Migratie: geen big bang",
    "verdienmodel": "Verdienmodel van leveranciers verschuift",
}
MAX_DOTS = 3  # the demo plan's max_dots_per_item
ROOM = {"gemeenten": 6, "shared-service": 5, "leveranciers": 4}
# How much each viewpoint cares about each cluster (weights for its dots), so the viewpoints
# rank some clusters very differently, as real rooms do.
CARES = {
    "gemeenten": {"privacy": 6, "lock-in": 4, "kosten": 3, "regie": 2},
    "shared-service": {"regie": 5, "lock-in": 3, "beschikbaarheid": 3, "personeel": 2},
    "leveranciers": {"verdienmodel": 6, "wetgeving": 3, "migratie": 2},
}
RATINGS = {  # cluster → (likelihood, impact) per rater; privacy's raters disagree
    "privacy": [(4, 5), (5, 5), (1, 2), (4, 4)],
    "lock-in": [(4, 4), (4, 3), (5, 4)],
    "regie": [(3, 4), (4, 4)],
    "beveiliging": [(2, 5), (3, 5)],
    "beschikbaarheid": [(3, 3), (2, 4)],
    "kosten": [(4, 3), (3, 3)],
    "personeel": [(3, 2)],
    "wetgeving": [(2, 3)],
    "migratie": [(2, 4), (3, 4)],
    "verdienmodel": [(4, 2)],
}


@dataclass
class Demo:
    """The workshop, its owner and the notes' texts per viewpoint slug."""

    workshop: Workshop
    owner: Facilitator
    texts: dict[str, list[str]]


def op() -> str:
    """A fresh operation id."""
    return uuid.uuid4().hex


def demo_notes() -> list[dict[str, str]]:
    """The rows of the shared demo notes."""
    with DEMO_NOTES.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def build(db: Session, factory: Factory) -> Demo:
    """Brainstorm, cluster, vote with dots and risk ratings, and show the results."""
    source = re.sub(r"(?m)^(\s*)mode: dots$", r"\1mode: both", DEMO_PLAN.read_text("utf-8"))
    owner = factory.facilitator()
    workshop = factory.workshop(owner=owner, plan_text=source)
    boss = Actor("facilitator", facilitator_id=owner.id)
    room = {
        slug: [participants.join(db, workshop, f"{slug} {i}", slug)[0] for i in range(count)]
        for slug, count in ROOM.items()
    }
    phases.set_phase(db, workshop, boss, "brainstorm", op())
    rows = demo_notes()
    ids: dict[str, str] = {}
    texts: dict[str, list[str]] = {}
    for index, row in enumerate(rows):
        author = room[row["viewpoint"]][index % len(room[row["viewpoint"]])]
        ids[row["id"]] = str(uuid.uuid4())
        notes.add(
            db,
            workshop,
            Actor("participant", participant=author),
            note_id=ids[row["id"]],
            kind=row["kind"],
            body=row["text"],
            op_id=op(),
        )
        texts.setdefault(row["viewpoint"], []).append(row["text"])
    phases.set_phase(db, workshop, boss, "cluster", op())
    made = {label: str(uuid.uuid4()) for label in TITLES}
    for label, title in TITLES.items():
        members = [ids[row["id"]] for row in rows if row["cluster"] == label]
        clusters.create(
            db,
            workshop,
            boss,
            cluster_id=made[label],
            title=title,
            note_ids=members,
            position=None,
            op_id=op(),
        )
    phases.set_phase(db, workshop, boss, "vote", op())
    chance = random.Random(13)
    for slug, people in room.items():
        labels = list(CARES[slug])
        weights = list(CARES[slug].values())
        for person in people:
            actor = Actor("participant", participant=person)
            given: dict[str, int] = {}
            for label in chance.choices(labels, weights, k=5):
                if given.get(label, 0) == MAX_DOTS:
                    continue  # the cap per item: that dot stays with the person
                given[label] = given.get(label, 0) + 1
                dots.change_dots(
                    db,
                    workshop,
                    actor,
                    target_type="cluster",
                    target_id=made[label],
                    delta=1,
                    op_id=op(),
                )
    raters = [person for people in room.values() for person in people]
    for label, rated in RATINGS.items():
        for index, (likelihood, impact) in enumerate(rated):
            votes.score(
                db,
                workshop,
                Actor("participant", participant=raters[index * 3 % len(raters)]),
                target_type="cluster",
                target_id=made[label],
                likelihood=likelihood,
                impact=impact,
                op_id=op(),
            )
    phases.set_phase(db, workshop, boss, "results", op())
    db.commit()
    return Demo(workshop, owner, texts)
