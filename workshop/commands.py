"""Click commands behind ``workshop``; each opens the app and works through the domain."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click
from flask import Flask
from sqlalchemy.orm import Session

from workshop import create_app, facilitators, links, migrate, plans, workshops
from workshop.errors import DomainError
from workshop.models import Facilitator, Workshop
from workshop.paths import DEMO_PLAN

DEMO_FACILITATOR = "facilitator@denktank.local"
LOADTEST_FACILITATOR = "loadtest@denktank.local"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Denktank: realtime think-tank workshops (configure with WORKSHOP_* variables)."""


def _app(**overrides: Any) -> Flask:
    return create_app({key: value for key, value in overrides.items() if value is not None})


@contextmanager
def _db(app: Flask) -> Iterator[Session]:
    from workshop.web import sessionmaker_for

    with sessionmaker_for(app)() as db:
        try:
            yield db
            db.commit()
        except BaseException:
            db.rollback()
            raise


def _fail(error: DomainError) -> NoReturn:
    click.echo(f"error: {error}", err=True)
    sys.exit(2)


@cli.command()
@click.option("--host", help="Address to listen on (default WORKSHOP_HOST or 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (default WORKSHOP_PORT or 5000).")
def serve(host: str | None, port: int | None) -> None:
    """Run the server (gevent, websockets); applies pending migrations first."""
    from workshop.realtime.server import serve as serve_app

    app = _app(HOST=host, PORT=port, ASYNC_MODE="gevent")
    migrate.upgrade(app.extensions["workshop.engine"])
    bind_host = app.config["WORKSHOP_HOST"]
    bind_port = app.config["WORKSHOP_PORT"]
    public = app.config["WORKSHOP_PUBLIC_URL"]
    click.echo(f"Denktank serving on http://{bind_host}:{bind_port}/ (public: {public})")
    serve_app(app, bind_host, bind_port)


@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply pending migrations."""
    app = _app()
    migrate.upgrade(app.extensions["workshop.engine"], verbose=True)
    click.echo("Database is up to date.")


@cli.group()
def plan() -> None:
    """Session plans (YAML)."""


@plan.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def plan_check(files: tuple[str, ...]) -> None:
    """Validate plans; print FILE:LINE: message per problem and exit 2 if there are any."""
    failed = False
    for name in files:
        try:
            text = Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            click.echo(f"{name}:1: cannot read the file ({error.__class__.__name__})", err=True)
            failed = True
            continue
        problems = plans.check_plan(text, name)
        for problem in problems:
            click.echo(problem.render(), err=True)
        if problems:
            failed = True
        else:
            click.echo(f"{name}: ok")
    sys.exit(2 if failed else 0)


def _links(app: Flask, workshop: Workshop) -> dict[str, Any]:
    base = app.config["WORKSHOP_PUBLIC_URL"]
    return {
        "id": workshop.id,
        "join_code": workshop.join_code,
        "join_url": links.join_url(base, workshop),
        "projector_url": links.projector_url(base, workshop),
        "console_url": links.console_url(base, workshop),
    }


def _login_link(app: Flask, db: Session, facilitator: Facilitator, next_path: str) -> str:
    token = facilitators.issue_login_token(
        db, facilitator, minutes=app.config["WORKSHOP_LOGIN_LINK_MINUTES"]
    )
    return links.login_url(app.config["WORKSHOP_PUBLIC_URL"], token, next_path)


def _load_plan(file: str) -> tuple[plans.Plan, str]:
    text = Path(file).read_text(encoding="utf-8")
    problems = plans.check_plan(text, file)
    if problems:
        for problem in problems:
            click.echo(problem.render(), err=True)
        sys.exit(2)
    return plans.load_plan(text, file), text


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--facilitator", "email", required=True, help="Owner's e-mail (created if new).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
def new(file: str, email: str, as_json: bool) -> None:
    """Create a live workshop from a plan and print its links and join code."""
    plan_obj, source = _load_plan(file)
    app = _app()
    migrate.upgrade(app.extensions["workshop.engine"])
    try:
        with _db(app) as db:
            owner, _created = facilitators.get_or_create(db, email)
            workshop = workshops.create_from_plan(db, plan_obj, owner, plan_source=source)
            info = _links(app, workshop)
            login = _login_link(app, db, owner, f"/console/workshops/{workshop.id}")
    except DomainError as error:
        _fail(error)
    if as_json:
        click.echo(json.dumps(info))
        return
    click.echo(f"Workshop {info['id']}: {workshop.title}")
    click.echo(f"  Join code:        {info['join_code']}")
    click.echo(f"  Participants:     {info['join_url']}")
    click.echo(f"  Projector:        {info['projector_url']}")
    click.echo(f"  Console:          {info['console_url']}")
    click.echo(f"  Facilitator login (one-time): {login}")


@cli.command()
@click.option(
    "--facilitator",
    "email",
    default=DEMO_FACILITATOR,
    show_default=True,
    help="Owner of the demo workshop (created without a password if new).",
)
def demo(email: str) -> None:
    """Create the demo workshop once (idempotent) and print the three links to open."""
    plan_obj, source = _load_plan(str(DEMO_PLAN))
    app = _app()
    migrate.upgrade(app.extensions["workshop.engine"])
    try:
        with _db(app) as db:
            owner, _created = facilitators.get_or_create(db, email)
            workshop = workshops.find_demo(db, DEMO_PLAN.name, owner)
            if workshop is None:
                workshop = workshops.create_from_plan(
                    db, plan_obj, owner, plan_source=source, demo_key=DEMO_PLAN.name
                )
            info = _links(app, workshop)
            login = _login_link(app, db, owner, f"/console/workshops/{workshop.id}")
    except DomainError as error:
        _fail(error)
    click.echo("")
    click.echo(f"  Demo workshop “{workshop.title}” — join code {info['join_code']}")
    click.echo(f"  1. Facilitator (one-time login link): {login}")
    click.echo(f"  2. Projector:                          {info['projector_url']}")
    click.echo(f"  3. Participants join:                  {info['join_url']}")
    click.echo("")


@cli.command("suggest-clusters")
@click.argument("notes_csv", type=click.Path(exists=True, dir_okay=False))
def suggest_clusters(notes_csv: str) -> None:
    """Propose clusters for NOTES_CSV (columns id,text); prints id,cluster CSV to stdout.

    The same algorithm as "Suggest clusters" in the console, for evaluation.
    """
    from workshop.suggest import suggest_csv

    try:
        suggest_csv(notes_csv, sys.stdout)
    except ValueError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)


@cli.group()
def facilitator() -> None:
    """Facilitator accounts."""


@facilitator.command("add")
@click.argument("email")
@click.option("--name", default="", help="Display name.")
def facilitator_add(email: str, name: str) -> None:
    """Create an account; asks for a password on a terminal, otherwise generates one."""
    password: str | None = None
    generated = False
    if sys.stdin.isatty():
        while True:
            password = getpass.getpass("Password (at least 10 characters): ")
            if password == getpass.getpass("Repeat the password: "):
                break
            click.echo("The passwords differ; try again.", err=True)
    else:
        password, generated = facilitators.generate_password(), True
    app = _app()
    migrate.upgrade(app.extensions["workshop.engine"])
    try:
        with _db(app) as db:
            account = facilitators.create(db, email, password, display_name=name)
            address = account.email
    except DomainError as error:
        _fail(error)
    click.echo(f"Facilitator {address} created.")
    if generated:
        click.echo(f"Generated password (shown once): {password}")


@facilitator.command("link")
@click.argument("email")
def facilitator_link(email: str) -> None:
    """Print a fresh one-time login link for an existing facilitator."""
    app = _app()
    migrate.upgrade(app.extensions["workshop.engine"])
    with _db(app) as db:
        account = facilitators.find(db, email)
        if account is None:
            click.echo(f"error: no facilitator with address {email.strip()}", err=True)
            sys.exit(2)
        click.echo(_login_link(app, db, account, "/console/"))


@cli.command("export")
@click.argument("reference", metavar="WORKSHOP")
@click.option(
    "--format",
    "formats",
    type=click.Choice(["md", "docx", "xlsx", "csv", "json", "all"]),
    multiple=True,
    default=["all"],
    show_default=True,
    help="Format to write (repeat for several).",
)
@click.option(
    "--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Folder to write to."
)
@click.option("--include-names", is_flag=True, help="Name participants (if names were recorded).")
@click.option("--timezone", "zone_name", default="Europe/Amsterdam", show_default=True)
def export(
    reference: str, formats: tuple[str, ...], out_dir: str, include_names: bool, zone_name: str
) -> None:
    """Write the summary of WORKSHOP (id or join code) as Markdown, Word, Excel, CSV or JSON."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from workshop.export import FORMATS, translator
    from workshop.export.bundle import write_all

    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        click.echo(f"error: unknown time zone {zone_name!r}", err=True)
        sys.exit(2)
    chosen = list(FORMATS) if "all" in formats else list(formats)
    app = _app()
    migrate.upgrade(app.extensions["workshop.engine"])
    try:
        with _db(app) as db:
            workshop = workshops.find_by_reference(db, reference)
            paths = write_all(
                db,
                workshop,
                chosen,
                Path(out_dir),
                translator(workshop.language),
                include_names=include_names,
                zone=zone,
            )
    except DomainError as error:
        if error.code == "not_found":
            click.echo(f"error: no workshop with id or join code {reference!r}", err=True)
            sys.exit(2)
        _fail(error)
    except OSError as error:
        click.echo(f"error: cannot write to {out_dir}: {error.strerror or error}", err=True)
        sys.exit(2)
    for path in paths:
        click.echo(str(path))


@cli.command()
@click.option("--dry-run", is_flag=True, help="Only list what would be deleted.")
@click.option("--days", type=int, help="Retention in days (default WORKSHOP_RETENTION_DAYS).")
def purge(dry_run: bool, days: int | None) -> None:
    """Delete workshops closed longer ago than the retention period, with all their data."""
    from workshop import retention

    app = _app()
    migrate.upgrade(app.extensions["workshop.engine"])
    keep = app.config["WORKSHOP_RETENTION_DAYS"] if days is None else days
    if keep <= 0:
        click.echo("Retention is off (0 days): nothing is purged.")
        return
    with _db(app) as db:
        removed = retention.purge(db, keep, dry_run=dry_run)
    verb = "Would delete" if dry_run else "Deleted"
    for item in removed:
        click.echo(f"{verb} {item.describe()}")
    click.echo(f"{verb} {len(removed)} workshop(s) closed more than {keep} days ago.")


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--owner", "email", required=True, help="Facilitator who owns the copy.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
def import_(file: str, email: str, as_json: bool) -> None:
    """Rebuild a workshop from a JSON archive, with a new id and join code."""
    from workshop.export import restore

    try:
        raw = Path(file).read_bytes()
    except OSError as error:
        click.echo(f"error: cannot read {file}: {error.strerror or error}", err=True)
        sys.exit(2)
    app = _app()
    migrate.upgrade(app.extensions["workshop.engine"])
    try:
        archive = restore.parse(raw)
        with _db(app) as db:
            account = facilitators.find(db, email)
            if account is None:
                click.echo(f"error: no facilitator with address {email.strip()}", err=True)
                sys.exit(2)
            workshop = restore.restore(db, archive, account)
            info = _links(app, workshop)
    except DomainError as error:
        _fail(error)
    if as_json:
        click.echo(json.dumps(info))
        return
    click.echo(f"Workshop {info['id']} imported: {workshop.title}")
    click.echo(f"  Join code:        {info['join_code']}")
    click.echo(f"  Console:          {info['console_url']}")


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
