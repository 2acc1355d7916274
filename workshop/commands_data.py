"""Commands on a workshop's data: export the summary, import an archive, purge old workshops."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from workshop import facilitators, migrate, workshops
from workshop.commands import _app, _db, _fail, _links, cli
from workshop.errors import DomainError


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
