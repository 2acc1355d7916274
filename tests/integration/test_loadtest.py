"""`workshop loadtest` against a real server, small: every field, nothing lost or doubled."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.processes import LiveServer, run_cli, workshop_env
from workshop.loadtest.report import render_text

HEADLINE_FIELDS = {
    "url",
    "workshop_id",
    "participants",
    "connected",
    "connect_p50_ms",
    "connect_p99_ms",
    "delivery_p50_ms",
    "delivery_p99_ms",
    "delivery_max_ms",
    "ack_p50_ms",
    "ack_p99_ms",
    "notes_sent",
    "notes_acknowledged",
    "lost",
    "duplicated",
    "vote_storm_ack_p99_ms",
    "over_budget",
    "votes_lost",
    "reconnect_all_resynced_s",
    "errors",
    "database_busy",
    "server_cpu_percent",
    "server_rss_max_mb",
    "server_rss_steady_mb",
    "details",
}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """A fresh `workshop serve` on SQLite."""
    instance = tmp_path / "instance"
    live = LiveServer(workshop_env(instance, f"sqlite:///{instance / 'workshop.db'}")).start()
    yield live
    live.stop()


def test_a_small_load_run_reports_everything_and_loses_nothing(server: LiveServer) -> None:
    assert server.process is not None
    result = server.cli(
        "loadtest",
        "--url",
        server.url,
        "--participants",
        "20",
        "--duration",
        "5",
        "--notes-per-minute",
        "12",
        "--vote-storm",
        "--reconnect-storm",
        "--server-pid",
        str(server.process.pid),
        "--json",
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) >= HEADLINE_FIELDS
    assert report["connected"] == 20
    assert report["notes_acknowledged"] > 0
    assert report["notes_acknowledged"] == report["notes_sent"]
    assert report["lost"] == 0
    assert report["duplicated"] == 0
    assert report["errors"] == 0, report["details"]["error_examples"]
    # Connect and note → wall are timed by the probe (a phone and a wall in their own process,
    # as real ones are): its phone connected among the tool's, and every note it posted reached
    # its wall and was timed. The tool's own clients are timed too, separately.
    details = report["details"]
    probe = details["probe"]
    assert probe["connected"] == probe["phones"] == 1
    assert details["connect"]["count"] == 1 and details["connect_in_tool"]["count"] == 20
    assert probe["acknowledged"] == probe["sent"] > 0
    assert probe["unseen"] == 0
    assert details["delivery"]["count"] == probe["acknowledged"]
    assert details["delivery_in_tool"]["count"] == report["notes_acknowledged"]
    assert report["database_busy"] == 0
    storm = report["details"]["vote_storm"]
    assert report["over_budget"] == 0
    assert report["votes_lost"] == 0
    # Each phone (the tool's 20 and the probe's one) tried one dot more than its budget:
    # exactly that one was refused. The probe timed its own dots' acks.
    voters = 20 + report["details"]["probe"]["phones"]
    assert storm["accepted"] == voters * storm["budget"] == storm["stored"]
    assert storm["refused"] == voters
    assert storm["ack"]["count"] == storm["budget"] + 1
    assert storm["ack_in_tool"]["count"] == 20 * (storm["budget"] + 1)
    assert report["reconnect_all_resynced_s"] is not None
    assert report["details"]["reconnect_storm"]["count"] == 21  # the phones and the projector
    assert report["server_rss_max_mb"] >= report["server_rss_steady_mb"] > 0
    assert "vote-storm" in report["server_cpu_percent"]
    # The same report as text for a terminal names the headline numbers.
    text = render_text(report)
    assert "note → wall" in text and "vote storm" in text and "reconnect" in text


def test_a_remote_url_is_refused_unless_allowed(tmp_path: Path) -> None:
    env = workshop_env(tmp_path / "instance", f"sqlite:///{tmp_path / 'instance' / 'w.db'}")
    result = run_cli(["loadtest", "--url", "http://192.0.2.10:5000", "--participants", "1"], env)
    assert result.returncode == 2
    assert "--allow-remote" in result.stderr
    assert "Traceback" not in result.stderr


def test_out_of_bounds_values_are_refused(tmp_path: Path) -> None:
    env = workshop_env(tmp_path / "instance", f"sqlite:///{tmp_path / 'instance' / 'w.db'}")
    result = run_cli(["loadtest", "--url", "http://127.0.0.1:9", "--participants", "100000"], env)
    assert result.returncode == 2
    assert "--participants" in result.stderr
