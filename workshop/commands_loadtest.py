"""`workshop loadtest`: simulated phones against a server, for sizing it."""

from __future__ import annotations

import json
import sys

import click

from workshop import facilitators, migrate
from workshop.commands import _app, _db, _login_link, cli

LOADTEST_FACILITATOR = "loadtest@denktank.local"


@cli.command()
@click.option("--url", required=True, help="The server, e.g. http://127.0.0.1:5000.")
@click.option("--participants", type=int, default=50, show_default=True, help="Simulated phones.")
@click.option("--duration", type=float, default=60, show_default=True, help="Seconds of notes.")
@click.option("--notes-per-minute", type=float, default=1, show_default=True, help="Per phone.")
@click.option("--vote-storm", is_flag=True, help="Then every phone casts all its dots within ~1 s.")
@click.option("--reconnect-storm", is_flag=True, help="Then drop every connection at once.")
@click.option("--server-pid", type=int, help="Sample this local process's CPU and memory.")
@click.option("--workshop", "reference", help="Use this workshop (id or join code; it is changed).")
@click.option("--facilitator-link", help="Login link from `workshop facilitator link EMAIL`.")
@click.option("--connect-rate", type=float, default=50, show_default=True, help="Phones/second.")
@click.option(
    "--probe-rate",
    type=float,
    default=2,
    show_default=True,
    help="Notes/second of the probe: one more phone and a wall in their own process, timing "
    "note → wall (0: time it on the tool's own projector).",
)
@click.option("--allow-remote", is_flag=True, help="Allow a URL that is not this machine.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
def loadtest(
    url: str,
    participants: int,
    duration: float,
    notes_per_minute: float,
    vote_storm: bool,
    reconnect_storm: bool,
    server_pid: int | None,
    reference: str | None,
    facilitator_link: str | None,
    connect_rate: float,
    probe_rate: float,
    allow_remote: bool,
    as_json: bool,
) -> None:
    """Simulate phones and a projector against a running server and report latencies.

    Without --facilitator-link the tool signs in as loadtest@denktank.local through this
    machine's database (the same WORKSHOP_* settings as the server) and creates a workshop.
    """
    from workshop.loadtest.report import render_text
    from workshop.loadtest.runner import Options, run
    from workshop.loadtest.setup import is_loopback

    try:
        import websocket  # noqa: F401  (websocket-client: without it python-socketio only polls)
    except ImportError:
        click.echo(
            "error: the load tool needs websocket-client: "
            "pip install 'denktank-workshop[loadtest]'",
            err=True,
        )
        sys.exit(2)
    if not is_loopback(url) and not allow_remote:
        click.echo(f"error: {url} is not this machine; pass --allow-remote to load it", err=True)
        sys.exit(2)
    options = Options(
        url=url.rstrip("/"),
        login_link=facilitator_link or "",
        participants=participants,
        duration=duration,
        notes_per_minute=notes_per_minute,
        vote_storm=vote_storm,
        reconnect_storm=reconnect_storm,
        server_pid=server_pid,
        workshop=reference,
        connect_rate=connect_rate,
        probe_rate=probe_rate,
    )
    try:
        options.check()
    except ValueError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    if not options.login_link:
        app = _app()
        migrate.upgrade(app.extensions["workshop.engine"])
        with _db(app) as db:
            owner, _created = facilitators.get_or_create(db, LOADTEST_FACILITATOR)
            options.login_link = _login_link(app, db, owner, "/console/")
    try:
        report = run(options, lambda line: click.echo(line, err=True))
    except (ValueError, RuntimeError, OSError) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    click.echo(json.dumps(report) if as_json else render_text(report))
