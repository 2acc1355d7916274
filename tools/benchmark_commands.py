"""CPU per realtime command, in-process: N phones cast their dots through the real handlers.

Flask-SocketIO's test client calls the same handlers as a server (authorise, validate, domain,
commit, broadcast, ack) without the network, so this isolates the server's own cost per
``vote:add``. A benchmark, not a test:

    .venv/bin/python tools/benchmark_commands.py --phones 100 [--profile out.prof]
"""

from __future__ import annotations

import argparse
import cProfile
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.factories import Factory
from tests.support.realtime import facilitator_screen, join, note_id
from workshop import create_app, migrate


def main() -> None:
    """Run the benchmark and print CPU per command."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--phones", type=int, default=100)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--profile", default=None, help="write a cProfile file of the dots")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="denktank-bench-"))
    url = args.database_url or f"sqlite:///{folder / 'w.db'}"
    app = create_app(
        {
            "INSTANCE_PATH": str(folder / "instance"),
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "PUBLIC_URL": "http://127.0.0.1:5000",
            "TESTING": True,
            "ASYNC_MODE": "threading",
            "FACT_BATCH_MS": 0,
        }
    )
    migrate.upgrade(app.extensions["workshop.engine"])
    db = app.extensions["workshop.sessionmaker"]()
    factory = Factory(db)
    owner = factory.facilitator()
    workshop = factory.workshop(owner=owner)
    console = facilitator_screen(app, db, owner, workshop)
    phones = [join(app, workshop, f"P{n}", "gemeenten")[1] for n in range(args.phones)]
    console.emit("phase:set", {"phase": "brainstorm"})
    ids = [note_id() for _ in range(12)]
    for n, identifier in enumerate(ids):
        body = {"note_id": identifier, "kind": "risk", "text": f"Risico {n}"}
        assert phones[0].emit("note:add", body)["ok"]
    clusters = [str(uuid.uuid4()) for _ in range(4)]
    for n, cluster in enumerate(clusters):
        console.emit(
            "cluster:create",
            {"cluster_id": cluster, "title": f"C{n}", "note_ids": ids[3 * n : 3 * n + 3]},
        )
    assert console.emit("phase:set", {"phase": "vote"})["ok"]
    for screen in [console, *phones]:
        screen.sio.get_received()
    profiler = cProfile.Profile() if args.profile else None
    costs = []
    for dot in range(5):
        for phone in phones:
            body = {"target_type": "cluster", "target_id": clusters[dot % 4]}
            started = time.process_time()
            if profiler:
                profiler.enable()
            ack = phone.emit("vote:add", body)
            if profiler:
                profiler.disable()
            costs.append(time.process_time() - started)
            assert ack["ok"], ack
        for screen in [console, *phones]:
            screen.sio.get_received()
    if profiler:
        profiler.dump_stats(args.profile)
    costs.sort()
    print(
        f"vote:add ({len(costs)} commands, {args.phones} phones): "
        f"median {statistics.median(costs) * 1000:.2f} ms CPU, "
        f"p90 {costs[int(len(costs) * 0.9)] * 1000:.2f} ms"
    )


if __name__ == "__main__":
    main()
