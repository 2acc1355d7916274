"""Results on hand-computed examples: ranking, per-viewpoint dots, medians, spread, +1s."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.orm import Session

from tests.support.factories import Factory
from workshop import clusters, dots, notes, participants, phases, summary, votes
from workshop.actors import Actor
from workshop.models import Participant, Workshop


def op() -> str:
    return uuid.uuid4().hex


@pytest.fixture
def voted(db: Session, factory: Factory) -> dict[str, object]:
    """Four people, two viewpoints, two clusters and a loose note, with known votes and scores."""
    owner = factory.facilitator()
    workshop: Workshop = factory.workshop(owner=owner)
    workshop.settings = {
        **workshop.settings,
        "voting": {"mode": "both", "dots_per_participant": 5, "max_dots_per_item": 3},
    }
    boss = Actor("facilitator", facilitator_id=owner.id)
    people: list[Participant] = []
    for name, slug in [
        ("A", "gemeenten"),
        ("B", "gemeenten"),
        ("C", "leveranciers"),
        ("D", "leveranciers"),
    ]:
        person, _secret, _event = participants.join(db, workshop, name, slug)
        people.append(person)
    phases.set_phase(db, workshop, boss, "brainstorm", op())
    ids = {}
    for person in people:
        for k in range(2):
            note_id = str(uuid.uuid4())
            notes.add(
                db,
                workshop,
                Actor("participant", participant=person),
                note_id=note_id,
                kind="risk",
                body=f"{person.display_name}{k}",
                op_id=op(),
            )
            ids[f"{person.display_name}{k}"] = note_id
    privacy, costs = str(uuid.uuid4()), str(uuid.uuid4())
    # Privacy holds notes of both viewpoints; Kosten only of gemeenten.
    clusters.create(
        db,
        workshop,
        boss,
        cluster_id=privacy,
        title="Privacy",
        note_ids=[ids["A0"], ids["C0"]],
        position=None,
        op_id=op(),
    )
    clusters.create(
        db,
        workshop,
        boss,
        cluster_id=costs,
        title="Kosten",
        note_ids=[ids["A1"], ids["B0"]],
        position=None,
        op_id=op(),
    )
    phases.set_phase(db, workshop, boss, "share", op())  # from now on groups read each other
    notes.endorse(
        db,
        workshop,
        Actor("participant", participant=people[2]),
        note_id=ids["A0"],
        endorsed=True,
        op_id=op(),
    )
    phases.set_phase(db, workshop, boss, "vote", op())
    plan = {  # person → [(item, dots)], scores (likelihood, impact) for Privacy
        0: [(privacy, 3), (costs, 1)],
        1: [(privacy, 1), (costs, 3)],
        2: [(privacy, 2)],
        3: [(costs, 1)],
    }
    for index, choices in plan.items():
        actor = Actor("participant", participant=people[index])
        for item, count in choices:
            for _ in range(count):
                dots.change_dots(
                    db, workshop, actor, target_type="cluster", target_id=item, delta=1, op_id=op()
                )
    for index, (likelihood, impact) in enumerate([(2, 5), (4, 5), (4, 1), (5, 4)]):
        votes.score(
            db,
            workshop,
            Actor("participant", participant=people[index]),
            target_type="cluster",
            target_id=privacy,
            likelihood=likelihood,
            impact=impact,
            op_id=op(),
        )
    db.commit()
    return {
        "workshop": workshop,
        "privacy": privacy,
        "costs": costs,
        "viewpoints": [vp.id for vp in workshop.viewpoints],
    }


def test_ranking_dots_and_viewpoint_splits(db: Session, voted: dict[str, object]) -> None:
    result = summary.tallies(db, voted["workshop"])  # type: ignore[arg-type]
    by_title = {row["title"]: row for row in result["items"]}
    gemeenten, _sso, leveranciers = voted["viewpoints"]  # type: ignore[misc]
    # Privacy 3+1+2 = 6 dots, Kosten 1+3+1 = 5: Privacy ranks first.
    assert [row["title"] for row in result["items"]][:2] == ["Privacy", "Kosten"]
    assert by_title["Privacy"]["dots"] == 6 and by_title["Kosten"]["dots"] == 5
    assert by_title["Privacy"]["dots_by_viewpoint"] == {str(gemeenten): 4, str(leveranciers): 2}
    assert by_title["Kosten"]["dots_by_viewpoint"] == {str(gemeenten): 4, str(leveranciers): 1}
    assert by_title["Privacy"]["raised_by"] == [gemeenten, leveranciers]
    assert by_title["Kosten"]["raised_by"] == [gemeenten]
    assert by_title["Privacy"]["voters"] == 3 and result["voters"] == 4
    assert by_title["Privacy"]["plus_ones"] == 1


def test_risk_medians_score_and_disagreement(db: Session, voted: dict[str, object]) -> None:
    rows = {row["title"]: row for row in summary.tallies(db, voted["workshop"])["items"]}  # type: ignore[arg-type]
    privacy = rows["Privacy"]
    # Likelihood 2, 4, 4, 5 → median 4; impact 5, 5, 1, 4 → median 4.5; score 18.
    assert (privacy["likelihood"], privacy["impact"], privacy["risk_score"]) == (4.0, 4.5, 18.0)
    # Impact quartiles (linear): 3.25 and 5 → IQR 1.75; likelihood 3.5 and 4.25 → 0.75.
    assert privacy["spread"] == {"likelihood": 0.75, "impact": 1.75}
    assert privacy["disagreement"] is False
    assert rows["Kosten"]["risk_score"] is None and rows["Kosten"]["ratings"] == 0


def test_loose_notes_are_items_too(db: Session, voted: dict[str, object]) -> None:
    rows = summary.tallies(db, voted["workshop"])["items"]  # type: ignore[arg-type]
    loose = [row for row in rows if row["target_type"] == "note"]
    assert sorted(row["title"] for row in loose) == ["B1", "C1", "D0", "D1"]
    assert all(row["dots"] == 0 for row in loose)
    assert [row["rank"] for row in rows] == list(range(1, len(rows) + 1))
