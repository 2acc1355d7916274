"""Creating workshops from plans, and join codes."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.factories import TWO_VIEWPOINT_PLAN, Factory
from workshop import events, plans, workshops
from workshop.errors import Conflict, NotFound
from workshop.models import Event, Viewpoint, utcnow
from workshop.paths import DEMO_PLAN

AMBIGUOUS = set("0O1IL5S2Z")


def test_join_code_is_six_unambiguous_characters() -> None:
    codes = {workshops.generate_join_code() for _ in range(500)}
    assert len(codes) > 490  # random, not a fixed value
    for code in codes:
        assert len(code) == 6
        assert set(code) <= set(workshops.JOIN_CODE_ALPHABET)
        assert not set(code) & AMBIGUOUS


def test_demo_plan_becomes_a_workshop_in_the_lobby(db: Session, factory: Factory) -> None:
    owner = factory.facilitator()
    plan = plans.load_plan_file(DEMO_PLAN)
    workshop = workshops.create_from_plan(db, plan, owner, plan_source="x")
    db.commit()

    assert workshop.phase == "lobby"
    assert workshop.title == "Cloudstrategie voor gemeenten"
    assert workshop.language == "nl"
    assert [vp.slug for vp in workshop.viewpoints] == [
        "gemeenten",
        "shared-service",
        "leveranciers",
    ]
    assert workshop.viewpoints[2].question.startswith("Wat zijn de gevolgen")
    assert [kind["key"] for kind in workshop.settings["kinds"]] == ["risk", "consequence"]
    assert workshop.settings["voting"]["dots_per_participant"] == 5
    assert len(workshop.display_token) >= 32
    # Creation is the first event of the workshop's log.
    first = db.scalars(select(Event).where(Event.workshop_id == workshop.id)).one()
    assert (first.seq, first.type) == (1, "workshop:created")


def test_viewpoints_keep_plan_order_and_colours(db: Session, factory: Factory) -> None:
    workshop = factory.workshop(plan_text=TWO_VIEWPOINT_PLAN)
    rows = db.scalars(
        select(Viewpoint).where(Viewpoint.workshop_id == workshop.id).order_by(Viewpoint.position)
    ).all()
    assert [(row.name, row.position) for row in rows] == [("Employees", 0), ("Managers", 1)]
    assert rows[0].colour != rows[1].colour


def test_join_code_lookup_forgives_case_and_spacing(db: Session, factory: Factory) -> None:
    workshop = factory.workshop()
    code = workshop.join_code
    spaced = f" {code[:3].lower()} {code[3:]} "
    assert workshops.find_open_by_code(db, spaced) == workshop
    assert workshops.find_open_by_code(db, code[:5]) is None
    assert workshops.find_by_reference(db, str(workshop.id)) == workshop
    assert workshops.find_by_reference(db, code.lower()) == workshop
    with pytest.raises(NotFound):
        workshops.find_by_reference(db, "ZZZZZZ")


def test_join_codes_are_unique_among_open_workshops(db: Session, factory: Factory) -> None:
    first = factory.workshop()
    # A generator that offers the taken code twice before a free one must skip it.
    offered = itertools.chain(first.join_code * 2, "ABCDEF")
    code = workshops.unused_join_code(db, rng=lambda _alphabet: next(offered))
    assert code == "ABCDEF"


def test_a_closed_workshops_code_can_be_reused(db: Session, factory: Factory) -> None:
    first = factory.workshop()
    first.closed_at = utcnow()
    db.commit()
    reused = iter(first.join_code)
    assert workshops.unused_join_code(db, rng=lambda _alphabet: next(reused)) == first.join_code
    assert workshops.find_open_by_code(db, first.join_code) is None


def test_gives_up_when_every_code_is_taken(db: Session, factory: Factory) -> None:
    taken = itertools.cycle(factory.workshop().join_code)
    with pytest.raises(Conflict):
        workshops.unused_join_code(db, rng=lambda _alphabet: next(taken))


def test_workshops_belong_to_their_facilitator(db: Session, factory: Factory) -> None:
    alice, bob = factory.facilitator(), factory.facilitator()
    hers = factory.workshop(owner=alice)
    assert workshops.get_owned(db, hers.id, alice) == hers
    with pytest.raises(NotFound):
        workshops.get_owned(db, hers.id, bob)
    assert [w.id for w in workshops.list_for(db, alice)] == [hers.id]
    assert workshops.list_for(db, bob) == []


def test_demo_workshop_is_found_again_for_idempotent_setup(db: Session, factory: Factory) -> None:
    owner = factory.facilitator()
    assert workshops.find_demo(db, "demo.yaml", owner) is None
    plan = plans.load_plan_file(DEMO_PLAN)
    created = workshops.create_from_plan(db, plan, owner, demo_key="demo.yaml")
    db.commit()
    assert workshops.find_demo(db, "demo.yaml", owner) == created
    assert events.latest_seq(db, created.id) == 1
