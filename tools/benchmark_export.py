"""Benchmark of the exports: every format for a workshop of 2,000 notes, on SQLite.

Usage: .venv/bin/python tools/benchmark_export.py [--notes 2000] [--repeat 3]

Builds the workshop through the domain API in a temporary database (three viewpoints,
60 participants, a cluster per ten notes, dots and risk scores), then times building the report
and rendering each format, best of --repeat runs, and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy.orm import Session  # noqa: E402

from workshop import (  # noqa: E402
    clusters,
    dots,
    facilitators,
    migrate,
    notes,
    participants,
    phases,
    plans,
    votes,
    workshops,
)
from workshop.actors import Actor  # noqa: E402
from workshop.db import make_engine, make_sessionmaker  # noqa: E402
from workshop.export import FORMATS, translator  # noqa: E402
from workshop.export.bundle import render_all  # noqa: E402
from workshop.models import Workshop  # noqa: E402
from workshop.paths import DEMO_PLAN  # noqa: E402
from workshop.report import build_report  # noqa: E402

PEOPLE_PER_VIEWPOINT = 20
NOTES_PER_CLUSTER = 10
WORDS = [
    "privacy",
    "burgergegevens",
    "leverancier",
    "lock-in",
    "regie",
    "SLA",
    "beveiliging",
    "storing",
    "kosten",
    "personeel",
    "kennis",
    "wetgeving",
    "aanbesteding",
    "migratie",
    "samenwerking",
    "standaarden",
    "verdienmodel",
]


def op() -> str:
    return uuid.uuid4().hex


def populate(db: Session, count: int, rng: random.Random) -> Workshop:
    """The demo plan with ``count`` notes, clustered, voted on and scored."""
    plan = plans.load_plan(DEMO_PLAN.read_text(encoding="utf-8"))
    plan = plan.model_copy(update={"voting": plan.voting.model_copy(update={"mode": "both"})})
    owner, _ = facilitators.get_or_create(db, "bench@example.org")
    workshop = workshops.create_from_plan(db, plan, owner)
    boss = Actor("facilitator", facilitator_id=owner.id)
    people = [
        participants.join(db, workshop, f"Deelnemer {n}", vp.slug)[0]
        for vp in workshop.viewpoints
        for n in range(PEOPLE_PER_VIEWPOINT)
    ]
    phases.set_phase(db, workshop, boss, "brainstorm", op())
    ids = []
    for n in range(count):
        ids.append(str(uuid.uuid4()))
        body = " ".join(rng.choices(WORDS, k=rng.randint(4, 14))) + f" ({n})"
        author = Actor("participant", participant=people[n % len(people)])
        kind = "risk" if n % 3 else "consequence"
        notes.add(db, workshop, author, note_id=ids[-1], kind=kind, body=body, op_id=op())
    phases.set_phase(db, workshop, boss, "cluster", op())
    made = []
    clustered = ids[: count * 3 // 4]  # a quarter stays unclustered
    for start in range(0, len(clustered), NOTES_PER_CLUSTER):
        made.append(str(uuid.uuid4()))
        clusters.create(
            db,
            workshop,
            boss,
            cluster_id=made[-1],
            title=f"Thema {len(made)}",
            note_ids=clustered[start : start + NOTES_PER_CLUSTER],
            position=None,
            op_id=op(),
        )
    phases.set_phase(db, workshop, boss, "vote", op())
    for person in people:
        actor = Actor("participant", participant=person)
        for target in rng.sample(made, 5):
            dots.change_dots(
                db, workshop, actor, target_type="cluster", target_id=target, delta=1, op_id=op()
            )
        for target in rng.sample(made, 5):
            votes.score(
                db,
                workshop,
                actor,
                target_type="cluster",
                target_id=target,
                likelihood=rng.randint(1, 5),
                impact=rng.randint(1, 5),
                op_id=op(),
            )
    phases.set_phase(db, workshop, boss, "results", op())
    db.commit()
    return workshop


def best_of(repeat: int, run: object) -> float:
    """The fastest of ``repeat`` runs of ``run()``, in seconds."""
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        timings.append(time.perf_counter() - start)
    return min(timings)


def main() -> None:
    """Build the workshop, time each step, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/bench.db")
        migrate.upgrade(engine)
        db = make_sessionmaker(engine)()
        started = time.perf_counter()
        workshop = populate(db, args.notes, random.Random(6))
        setup = time.perf_counter() - started
        translate = translator(workshop.language)
        rows = [
            (
                "build the report (summary tallies included)",
                best_of(args.repeat, lambda: build_report(db, workshop, translate)),
            )
        ]
        for name in FORMATS:
            rows.append(
                (
                    f"report + {name}",
                    best_of(
                        args.repeat, lambda name=name: render_all(db, workshop, [name], translate)
                    ),
                )
            )
        sizes = render_all(db, workshop, FORMATS, translate)
        rows.append(
            (
                "**all five formats** (report built once)",
                best_of(args.repeat, lambda: render_all(db, workshop, FORMATS, translate)),
            )
        )
        db.close()
        engine.dispose()
    print(
        f"{args.notes} notes, {3 * PEOPLE_PER_VIEWPOINT} participants; setup {setup:.1f} s; "
        f"Python {platform.python_version()}, {platform.machine()}, best of {args.repeat}\n"
    )
    print("| step | seconds |\n|---|---:|")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.2f} |")
    print("\n| format | size |\n|---|---:|")
    for name, content in sizes.items():
        print(f"| {name} | {len(content) / 1024:.0f} KB |")


if __name__ == "__main__":
    main()
