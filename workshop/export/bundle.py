"""Write a workshop's exports to a folder: the report is built once and shared by every format."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.orm import Session

from workshop.export import FORMATS, Translate, archive, csv, docx, markdown, tables, xlsx
from workshop.models import Workshop
from workshop.plan_schema import slugify
from workshop.report import build_report

SUFFIXES = {"md": ".md", "docx": ".docx", "xlsx": ".xlsx", "csv": "-tables.zip", "json": ".json"}


def base_name(workshop: Workshop) -> str:
    """A file name stem from the title and date, e.g. ``cloud-strategy-2015-06-13``."""
    stem = slugify(workshop.title) or f"workshop-{workshop.id}"
    return f"{stem}-{workshop.date.isoformat()}" if workshop.date else stem


def render_all(
    db: Session,
    workshop: Workshop,
    formats: Iterable[str],
    translate: Translate,
    *,
    include_names: bool = False,
    zone: dt.tzinfo | None = None,
) -> dict[str, bytes]:
    """Format → file content for each requested format (unknown formats raise ValueError)."""
    wanted = list(dict.fromkeys(formats))
    unknown = [name for name in wanted if name not in FORMATS]
    if unknown:
        raise ValueError(f"unknown export format: {', '.join(unknown)}")
    report = build_report(db, workshop, translate, include_names=include_names, zone=zone)
    found: dict[str, bytes] = {}
    sheets = None
    if {"xlsx", "csv"} & set(wanted):
        sheets = tables.build(db, workshop, report, translate, include_names=include_names)
    for name in wanted:
        if name == "md":
            found[name] = markdown.render(report, translate).encode("utf-8")
        elif name == "docx":
            found[name] = docx.render(report, translate)
        elif name == "xlsx" and sheets is not None:
            found[name] = xlsx.render(sheets, translate)
        elif name == "csv" and sheets is not None:
            found[name] = csv.render(sheets, workshop.language)
        elif name == "json":
            data = archive.build(db, workshop, include_names=include_names)
            found[name] = archive.render(data)
    return found


def write_all(
    db: Session,
    workshop: Workshop,
    formats: Iterable[str],
    out_dir: Path,
    translate: Translate,
    *,
    include_names: bool = False,
    zone: dt.tzinfo | None = None,
) -> list[Path]:
    """Render the formats and write them into ``out_dir`` (created if missing)."""
    contents = render_all(db, workshop, formats, translate, include_names=include_names, zone=zone)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = base_name(workshop)
    written = []
    for name, content in contents.items():
        path = out_dir / f"{stem}{SUFFIXES[name]}"
        path.write_bytes(content)
        written.append(path)
    return written
