"""The summary structure: header, ranking, per-viewpoint sections, cross-view, timeline, names."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from tests.support.exports import HIDDEN, PEOPLE, build, visible_texts
from tests.support.factories import Factory
from workshop.export import translator
from workshop.report import build_report


def test_header_participation_and_ranking(db: Session, factory: Factory) -> None:
    built = build(db, factory)
    report = build_report(db, built.workshop)
    header = report["header"]
    assert (header["title"], header["place"], header["date"]) == (
        "Cloud strategy",
        "Soesterberg",
        "2015-06-13",
    )
    assert header["facilitator"].endswith("@example.org")
    assert [p["participants"] for p in report["participation"]] == [2, 2, 2]
    assert [p["notes"] for p in report["participation"]] == [4, 4, 4]  # the hidden note is out
    ranking = report["ranking"]
    assert [row["title"] for row in ranking[:4]] == [
        "Privacy",
        "Lock-in",
        "Costs",
        "Staff need new skills",
    ]
    assert [row["dots"] for row in ranking[:4]] == [9, 6, 5, 1]
    assert ranking[0]["raised_by"] == ["Municipalities", "Shared service", "Suppliers"]
    assert ranking[0]["risk_score"] == 20.0 and ranking[0]["plus_ones"] == 1
    json.dumps(report)  # plain data, ready for a template or an API


def test_every_note_once_per_section_and_in_the_appendix(db: Session, factory: Factory) -> None:
    report = build_report(db, build(db, factory).workshop)
    in_sections = [
        note["text"]
        for vp in report["viewpoints"]
        for note in [n for c in vp["clusters"] for n in c["notes"]]
        + [item["note"] for item in vp["unclustered"]]
    ]
    assert sorted(in_sections) == sorted(visible_texts())
    assert sorted(n["text"] for n in report["appendix"]) == sorted(visible_texts())
    assert HIDDEN not in json.dumps(report)
    suppliers = report["viewpoints"][2]
    assert [c["title"] for c in suppliers["clusters"]] == ["Privacy", "Costs"]
    assert suppliers["clusters"][1]["dots_from_viewpoint"] == 5


def test_cross_viewpoint_and_matrix(db: Session, factory: Factory) -> None:
    report = build_report(db, build(db, factory).workshop)
    cross = report["cross"]
    assert [row["title"] for row in cross["shared"]] == ["Privacy", "Lock-in", "Costs"]
    assert cross["single"] == []
    # Suppliers put Costs first; municipalities did not vote for it at all.
    divergent = {row["title"]: row["ranks"] for row in cross["divergent"]}
    assert divergent["Costs"]["Suppliers"] == 1 and divergent["Costs"]["Municipalities"] == 4
    assert [row["title"] for row in cross["disputed"]] == ["Privacy"]
    matrix = report["matrix"]
    assert matrix["cells"][4][3] == [1]  # Privacy: likelihood 4, impact 5
    assert matrix["cells"][3][2] == [2]  # Lock-in: 3 × 3.5 rounds up to impact 4


def test_timeline_follows_the_phase_changes(db: Session, factory: Factory) -> None:
    report = build_report(db, build(db, factory).workshop)
    phases = [row["phase"] for row in report["timeline"]]
    assert phases == ["lobby", "brainstorm", "share", "cluster", "vote", "results"]
    assert report["timeline"][1]["planned_minutes"] == 15
    assert report["timeline"][-1]["end"] is None
    assert all(row["seconds"] >= 0 for row in report["timeline"][:-1])


def test_anonymous_by_default_names_only_when_asked_and_recorded(
    db: Session, factory: Factory
) -> None:
    named = build(db, factory)
    anonymous = build(db, factory, anonymous=True)
    names = [name for name, _slug in PEOPLE]
    plain = json.dumps(build_report(db, named.workshop))
    assert not any(name in plain for name in names)
    assert "Municipalities 1" in plain and "Suppliers 2" in plain
    with_names = json.dumps(build_report(db, named.workshop, include_names=True))
    assert all(name in with_names for name in names)
    asked = json.dumps(build_report(db, anonymous.workshop, include_names=True))
    assert not any(name in asked for name in names)


def test_dutch_workshop_reads_dutch(db: Session, factory: Factory) -> None:
    built = build(db, factory, language="nl")
    report = build_report(db, built.workshop, translator("nl"))
    assert report["header"]["date_text"] == "13 juni 2015"
    assert report["header"]["kinds"]["risk"] == "Risico"


def test_same_data_same_report(db: Session, factory: Factory) -> None:
    built = build(db, factory)
    assert build_report(db, built.workshop) == build_report(db, built.workshop)
