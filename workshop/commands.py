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


# The other modules' commands join the group when it is imported (after it exists).
from workshop import commands_data, commands_loadtest  # noqa: E402, F401
