"""How numbers, times and figures read in the documents (Markdown and Word share this)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel.numbers import format_decimal

from workshop.export import Translate
from workshop.i18n_markers import N_


def number(value: float | int | None, language: str) -> str:
    """A figure as people write it in the language (10,5 in Dutch); a dash when missing."""
    if value is None:
        return "–"
    return str(format_decimal(value, format="#,##0.#", locale=language))


def clock(value: str | None) -> str:
    """The HH:MM of a report timestamp."""
    return dt.datetime.fromisoformat(value).strftime("%H:%M") if value else ""


def minutes(seconds: int | None, language: str) -> str:
    """A duration in whole minutes (one decimal under ten minutes)."""
    if seconds is None:
        return "–"
    value = seconds / 60
    return number(round(value, 1) if value < 10 else round(value), language)


def figures_line(item: dict[str, Any], language: str, translate: Translate) -> str:
    """'Dots: 9 (this viewpoint: 6) · Risk score: 20 · +1s: 1' for a cluster in a section."""
    parts = [
        translate(N_("Dots: %(dots)s (this viewpoint: %(mine)s)"))
        % {"dots": item["dots"], "mine": item["dots_from_viewpoint"]}
    ]
    if item["risk_score"] is not None:
        parts.append(
            translate(N_("Risk score: %(score)s (likelihood %(likelihood)s × impact %(impact)s)"))
            % {
                "score": number(item["risk_score"], language),
                "likelihood": number(item["likelihood"], language),
                "impact": number(item["impact"], language),
            }
        )
    if item["plus_ones"]:
        parts.append(translate(N_("+1s: %(count)s")) % {"count": item["plus_ones"]})
    if item.get("disagreement"):
        parts.append(translate(N_("ratings far apart")))
    return " · ".join(parts)


def header_facts(report: dict[str, Any], translate: Translate) -> list[tuple[str, str]]:
    """Label and value for the date, place and facilitator lines (empty ones left out)."""
    header = report["header"]
    facts = [
        (translate(N_("Date")), header["date_text"]),
        (translate(N_("Place")), header["place"]),
        (translate(N_("Facilitator")), header["facilitator"]),
    ]
    return [(label, value) for label, value in facts if value]


def timeline_rows(report: dict[str, Any], language: str) -> list[list[str]]:
    """The timeline as table cells: phase, started, ended, minutes, planned minutes."""
    return [
        [
            row["label"],
            clock(row["start"]),
            clock(row["end"]),
            minutes(row["seconds"], language),
            number(row["planned_minutes"], language),
        ]
        for row in report["timeline"]
    ]
