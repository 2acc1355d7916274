"""JSON archive and import: schema version, no names unless asked, round trip equal except ids."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tests.support.exports import HIDDEN, PEOPLE, build, visible_texts
from tests.support.factories import Factory
from workshop.errors import InvalidInput
from workshop.export import archive, markdown, restore, tables
from workshop.models import Workshop
from workshop.report import build_report, identity

NAMES = [name for name, _slug in PEOPLE]


def _archive(db: Session, workshop: Workshop, **kwargs: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(archive.render(archive.build(db, workshop, **kwargs)))
    return data


def test_archive_holds_everything_without_names(db: Session, factory: Factory) -> None:
    built = build(db, factory)
    data = _archive(db, built.workshop)
    assert data["schema_version"] == 1 and data["kind"] == "denktank-workshop-archive"
    assert [vp["slug"] for vp in data["viewpoints"]] == [
        "municipalities",
        "shared-service",
        "suppliers",
    ]
    texts = [note["text"] for note in data["notes"]]
    assert sorted(texts) == sorted([*visible_texts(), HIDDEN])  # moderated notes are kept
    assert [c["title"] for c in data["clusters"]] == ["Privacy", "Lock-in", "Costs"]
    assert sum(v["dots"] for v in data["votes"]) == 21
    assert len(data["risk_scores"]) == 6 and len(data["endorsements"]) == 1
    assert [c["phase"] for c in data["phase_changes"]][-1] == "results"
    assert not any(name in json.dumps(data) for name in NAMES)
    named = _archive(db, built.workshop, include_names=True)
    assert [p["name"] for p in named["participants"]] == NAMES


def _without_source(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key != "source"}


def test_round_trip_export_import_export(db: Session, factory: Factory) -> None:
    built = build(db, factory)
    first = _archive(db, built.workshop, include_names=True)
    copy = restore.restore(db, restore.parse(json.dumps(first)), built.workshop.owner)
    db.commit()
    assert copy.id != built.workshop.id and copy.join_code != built.workshop.join_code
    second = _archive(db, copy, include_names=True)
    assert _without_source(second) == _without_source(first)
    # The documents and tables come out the same too (ids differ, which they do not show).
    old, new = build_report(db, built.workshop), build_report(db, copy)
    assert markdown.render(new, identity) == markdown.render(old, identity)
    old_tables = tables.build(db, built.workshop, old, identity)
    new_tables = tables.build(db, copy, new, identity)
    for key, frame in old_tables.items():
        assert new_tables[key].equals(frame), key


def test_import_into_another_owner(db: Session, factory: Factory) -> None:
    built = build(db, factory)
    other = factory.facilitator()
    copy = restore.restore(
        db, restore.parse(archive.render(archive.build(db, built.workshop))), other
    )
    db.commit()
    assert copy.owner_id == other.id and copy.phase == "results"
    assert build_report(db, copy)["ranking"][0]["title"] == "Privacy"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(schema_version=99), "schema version 99"),
        (lambda d: d.update(kind="other"), "not a Denktank archive"),
        (lambda d: d["notes"][0].update(cluster="c99"), "'c99'"),
        (lambda d: d["risk_scores"][0].update(likelihood=9), "risk_scores.0.likelihood"),
        (lambda d: d["notes"].append(dict(d["notes"][0])), "repeats a key in notes"),
    ],
)
def test_import_refuses_a_damaged_archive(
    db: Session, factory: Factory, mutate: Any, message: str
) -> None:
    data = _archive(db, build(db, factory).workshop)
    mutate(data)
    with pytest.raises(InvalidInput) as caught:
        restore.parse(json.dumps(data))
    assert message in str(caught.value)


def test_import_refuses_what_is_not_json() -> None:
    with pytest.raises(InvalidInput, match="not JSON"):
        restore.parse(b"\x89PNG")
