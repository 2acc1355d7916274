"""Markdown: the report's structure as plain text, pastable into a website or a wiki."""

from __future__ import annotations

import re
from typing import Any

from workshop.export import Translate
from workshop.export.wording import (
    figures_line,
    header_facts,
    number,
    timeline_rows,
)
from workshop.i18n_markers import N_

# Characters that would turn a participant's words into markup; escaped so notes stay verbatim.
# "&" too: "&lt;" would otherwise show as "<".
_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&])")
# What opens a block at the start of a line: a list item ("-", "+", "1." or "1)"), a thematic
# break or a setext heading underline ("---", "==="). CommonMark cannot escape a digit, so an
# ordered list's "." or ")" is escaped instead.
_MARK_START = re.compile(r"^([-+=])", re.M)
_NUMBER_START = re.compile(r"^(\d+)([.)])", re.M)


def _inline(text: str) -> str:
    escaped = _MARK_START.sub(r"\\\1", _SPECIAL.sub(r"\\\1", text))
    return _NUMBER_START.sub(r"\1\\\2", escaped)


def escape(text: str) -> str:
    """Inline-safe Markdown for user text (line breaks kept as hard breaks)."""
    return _inline(text).replace("\n", "  \n  ")


def cell(text: str) -> str:
    """User text on one line (a table cell, heading or list item): escaped, breaks as <br>."""
    return _inline(text).replace("\n", "<br>")


def table(head: list[str], rows: list[list[str]]) -> list[str]:
    """A pipe table; numbers right-aligned where the header says so with a leading '>'."""
    align = ["---:" if h.startswith(">") else "---" for h in head]
    names = [h.removeprefix(">") for h in head]
    lines = ["| " + " | ".join(names) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def render(report: dict[str, Any], translate: Translate) -> str:
    """The whole report as Markdown text."""
    t = translate
    lang = report["header"]["language"]
    out: list[str] = []
    _header(out, report, t)
    _ranking(out, report, t, lang)
    _matrix(out, report, t)
    for viewpoint in report["viewpoints"]:
        _viewpoint(out, viewpoint, report, t, lang)
    _cross(out, report, t)
    _timeline(out, report, t, lang)
    _appendix(out, report, t)
    return "\n".join(out).rstrip("\n") + "\n"


def _header(out: list[str], report: dict[str, Any], t: Translate) -> None:
    header = report["header"]
    out += [f"# {cell(header['title'])}", ""]
    if header["theme"]:
        out += [f"*{cell(header['theme'])}*", ""]
    out += [f"- **{label}:** {cell(value)}" for label, value in header_facts(report, t)]
    out.append("")
    if header["intro"]:
        out += [escape(header["intro"]), ""]
    out += [f"## {t(N_('Participation'))}", ""]
    rows = [
        [cell(p["viewpoint"]), str(p["participants"]), str(p["notes"]), str(p["voters"])]
        for p in report["participation"]
    ]
    heads = [t(N_("Viewpoint")), ">" + t(N_("Participants")), ">" + t(N_("Notes"))]
    out += table([*heads, ">" + t(N_("Voters"))], rows)


def _ranking(out: list[str], report: dict[str, Any], t: Translate, lang: str) -> None:
    out += [f"## {t(N_('Ranking'))}", ""]
    if not report["ranking"]:
        out += [t(N_("Nothing to rank yet.")), ""]
        return
    rows = [
        [
            str(row["rank"]),
            cell(row["title"]) if row["target_type"] == "cluster" else f"*{cell(row['title'])}*",
            cell(", ".join(row["raised_by"])),
            str(row["dots"]),
            number(row["risk_score"], lang),
            str(row["plus_ones"]),
        ]
        for row in report["ranking"]
    ]
    head = [">" + t(N_("Rank")), t(N_("Cluster or note")), t(N_("Raised by")), ">" + t(N_("Dots"))]
    out += table([*head, ">" + t(N_("Risk score")), ">" + t(N_("+1s"))], rows)


def _matrix(out: list[str], report: dict[str, Any], t: Translate) -> None:
    matrix = report["matrix"]
    if not matrix["points"]:
        return
    out += [f"## {t(N_('Risk matrix'))}", ""]
    out += [t(N_("Rank numbers of the items, by median impact (rows) and likelihood.")), ""]
    size = matrix["size"]
    head = [t(N_("Impact")) + " \\ " + t(N_("Likelihood")), *(str(n) for n in range(1, size + 1))]
    rows = [
        [f"**{impact}**"]
        + [", ".join(f"#{r}" for r in matrix["cells"][impact - 1][lk]) for lk in range(size)]
        for impact in range(size, 0, -1)
    ]
    out += table(head, rows)


def _note_line(note: dict[str, Any]) -> str:
    return f"- **{cell(note['kind_label'])}:** {escape(note['text'])}"


def _viewpoint(
    out: list[str], viewpoint: dict[str, Any], report: dict[str, Any], t: Translate, lang: str
) -> None:
    out += [f"## {cell(viewpoint['name'])}", "", f"*{cell(viewpoint['question'])}*", ""]
    if not viewpoint["clusters"] and not viewpoint["unclustered"]:
        out += [t(N_("No notes from this viewpoint.")), ""]
    for cluster in viewpoint["clusters"]:
        out += [f"### {cluster['rank']}. {cell(cluster['title'])}", ""]
        out += [figures_line(cluster, lang, t), ""]
        out += [_note_line(note) for note in cluster["notes"]]
        out.append("")
    if viewpoint["unclustered"]:
        out += [f"### {t(N_('Unclustered notes'))}", ""]
        for item in viewpoint["unclustered"]:
            line = _note_line(item["note"])
            if item["dots"]:
                line += " — " + t(N_("Dots: %(dots)s")) % {"dots": item["dots"]}
            out.append(line)
        out.append("")


def _cross(out: list[str], report: dict[str, Any], t: Translate) -> None:
    cross = report["cross"]
    out += [f"## {t(N_('Across viewpoints'))}", ""]
    for key, heading in (
        ("shared", N_("Raised by several viewpoints")),
        ("single", N_("Raised by one viewpoint")),
    ):
        out += [f"### {t(heading)}", ""]
        entries = [
            f"- {cell(row['title'])} ({cell(', '.join(row['raised_by']))})" for row in cross[key]
        ]
        out += [*(entries or [t(N_("None."))]), ""]
    out += [f"### {t(N_('Ranked very differently'))}", ""]
    if cross["divergent"]:
        names = list(cross["divergent"][0]["ranks"])
        rows = [
            [cell(row["title"])]
            + [f"{row['ranks'][n]} ({row['dots_by_viewpoint'][n]})" for n in names]
            for row in cross["divergent"]
        ]
        out += [t(N_("Place in each viewpoint's own ranking (its dots in brackets).")), ""]
        out += table([t(N_("Cluster or note")), *(cell(n) for n in names)], rows)
    else:
        out += [t(N_("None.")), ""]
    if cross["disputed"]:
        out += [f"### {t(N_('Risk ratings far apart'))}", ""]
        out += [f"- {cell(row['title'])}" for row in cross["disputed"]]
        out.append("")


def _timeline(out: list[str], report: dict[str, Any], t: Translate, lang: str) -> None:
    out += [f"## {t(N_('Timeline'))}", ""]
    rows = timeline_rows(report, lang)
    head = [t(N_("Phase")), t(N_("Started")), t(N_("Ended")), ">" + t(N_("Minutes"))]
    out += table([*head, ">" + t(N_("Planned minutes"))], rows)


def _appendix(out: list[str], report: dict[str, Any], t: Translate) -> None:
    out += [f"## {t(N_('Appendix: all notes'))}", ""]
    rows = [
        [
            str(note["number"]),
            note["time"],
            cell(note["viewpoint"]),
            cell(note["kind_label"]),
            cell(note["author"]),
            cell(note["text"]),
            cell(note["cluster"] or ""),
        ]
        for note in report["appendix"]
    ]
    head = [">" + t(N_("No.")), t(N_("Time")), t(N_("Viewpoint")), t(N_("Kind"))]
    out += table([*head, t(N_("Author")), t(N_("Note")), t(N_("In cluster"))], rows)
