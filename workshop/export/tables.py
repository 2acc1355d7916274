"""The summary as tables (pandas): the sheets of the Excel file and the files of the CSV zip."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop.export import Translate
from workshop.i18n_markers import N_
from workshop.models import Participant, RiskScore, Vote, Workshop
from workshop.report_people import labels

# Stable keys (CSV file names) → sheet titles, in the order of the workbook.
TABLES: dict[str, str] = {
    "notes": N_("Notes"),
    "clusters": N_("Clusters"),
    "votes": N_("Votes"),
    "risk-scores": N_("Risk scores"),
    "risk-register": N_("Risk register"),
    "viewpoints": N_("Viewpoints"),
    "timeline": N_("Timeline"),
}


def local_time(value: str | None) -> dt.datetime | None:
    """A report timestamp as the wall-clock time spreadsheets expect (no zone)."""
    return dt.datetime.fromisoformat(value).replace(tzinfo=None) if value else None


def build(
    db: Session,
    workshop: Workshop,
    report: dict[str, Any],
    translate: Translate,
    *,
    include_names: bool = False,
) -> dict[str, pd.DataFrame]:
    """Every table of the summary, with translated column headers and typed columns."""
    t = translate
    people = labels(db, workshop, t, include_names=include_names)
    return {
        "notes": _notes(report, t),
        "clusters": _clusters(report, t),
        "votes": _votes(db, workshop, report, people, t),
        "risk-scores": _scores(db, workshop, report, people, t),
        "risk-register": _register(report, t),
        "viewpoints": _viewpoints(report, t),
        "timeline": _timeline(report, t),
    }


def _frame(
    rows: list[dict[str, Any]], columns: dict[str, str], types: dict[str, str]
) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(columns))
    if len(frame):
        frame = frame.astype(types)
    return frame.rename(columns=columns)


def _notes(report: dict[str, Any], t: Translate) -> pd.DataFrame:
    rows = [
        {
            "number": note["number"],
            "time": local_time(note["created_at"]),
            "viewpoint": note["viewpoint"],
            "kind": note["kind_label"],
            "author": note["author"],
            "text": note["text"],
            "cluster": note["cluster"] or "",
            "plus_ones": note["plus_ones"],
        }
        for note in report["appendix"]
    ]
    columns = {
        "number": t(N_("No.")),
        "time": t(N_("Time")),
        "viewpoint": t(N_("Viewpoint")),
        "kind": t(N_("Kind")),
        "author": t(N_("Author")),
        "text": t(N_("Note")),
        "cluster": t(N_("In cluster")),
        "plus_ones": t(N_("+1s")),
    }
    return _frame(rows, columns, {"number": "int64", "plus_ones": "int64"})


def _clusters(report: dict[str, Any], t: Translate) -> pd.DataFrame:
    names = [vp["viewpoint"] for vp in report["participation"]]
    columns = {
        "rank": t(N_("Rank")),
        "title": t(N_("Cluster title")),
        "raised_by": t(N_("Raised by")),
        "note_count": t(N_("Notes")),
        "dots": t(N_("Dots")),
        "voters": t(N_("Voters")),
        "plus_ones": t(N_("+1s")),
        "likelihood": t(N_("Likelihood")),
        "impact": t(N_("Impact")),
        "risk_score": t(N_("Risk score")),
        "disagreement": t(N_("Disagreement")),
    }
    # One column per viewpoint with the dots its voters gave: where the groups differ.
    per_viewpoint = {
        f"vp:{name}": t(N_("Dots from %(viewpoint)s")) % {"viewpoint": name} for name in names
    }
    rows = []
    for row in report["ranking"]:
        if row["target_type"] != "cluster":
            continue
        entry = {key: row[key] for key in columns}
        entry["raised_by"] = ", ".join(row["raised_by"])
        entry.update({f"vp:{n}": row["dots_by_viewpoint"].get(n, 0) for n in names})
        rows.append(entry)
    types = {"rank": "int64", "note_count": "int64", "dots": "int64", "voters": "int64"}
    types |= {"plus_ones": "int64", "likelihood": "float64", "impact": "float64"}
    types |= {"risk_score": "float64", "disagreement": "bool"}
    types |= dict.fromkeys(per_viewpoint, "int64")
    return _frame(rows, columns | per_viewpoint, types)


def _items(report: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(row["target_type"], row["target_id"]): row for row in report["ranking"]}


def _item_type(target_type: str, t: Translate) -> str:
    return t(N_("cluster")) if target_type == "cluster" else t(N_("note"))


def _voters(db: Session, workshop: Workshop, t: Translate) -> dict[int, str]:
    names = {vp.id: vp.name for vp in workshop.viewpoints}
    rows = db.execute(
        select(Participant.id, Participant.viewpoint_id).where(
            Participant.workshop_id == workshop.id
        )
    ).all()
    return {pid: names.get(vp, t(N_("No group"))) if vp else t(N_("No group")) for pid, vp in rows}


def _votes(
    db: Session, workshop: Workshop, report: dict[str, Any], people: dict[int, str], t: Translate
) -> pd.DataFrame:
    items = _items(report)
    groups = _voters(db, workshop, t)
    rows = []
    for vote in db.scalars(select(Vote).where(Vote.workshop_id == workshop.id, Vote.dots > 0)):
        item = items.get((vote.target_type, vote.target_id))
        if item is None:
            continue  # a vote on an item that no longer exists counts nowhere
        rows.append(
            {
                "participant": people.get(vote.participant_id, ""),
                "viewpoint": groups.get(vote.participant_id, ""),
                "type": _item_type(vote.target_type, t),
                "rank": item["rank"],
                "item": item["title"],
                "dots": vote.dots,
            }
        )
    rows.sort(key=lambda r: (r["rank"], r["participant"]))
    columns = {
        "participant": t(N_("Participant")),
        "viewpoint": t(N_("Viewpoint")),
        "type": t(N_("Type")),
        "rank": t(N_("Rank")),
        "item": t(N_("Item")),
        "dots": t(N_("Dots")),
    }
    return _frame(rows, columns, {"rank": "int64", "dots": "int64"})


def _scores(
    db: Session, workshop: Workshop, report: dict[str, Any], people: dict[int, str], t: Translate
) -> pd.DataFrame:
    items = _items(report)
    groups = _voters(db, workshop, t)
    rows = []
    for score in db.scalars(select(RiskScore).where(RiskScore.workshop_id == workshop.id)):
        item = items.get((score.target_type, score.target_id))
        if item is None:
            continue
        rows.append(
            {
                "participant": people.get(score.participant_id, ""),
                "viewpoint": groups.get(score.participant_id, ""),
                "type": _item_type(score.target_type, t),
                "rank": item["rank"],
                "item": item["title"],
                "likelihood": score.likelihood,
                "impact": score.impact,
                "score": score.likelihood * score.impact,
            }
        )
    rows.sort(key=lambda r: (r["rank"], r["participant"]))
    columns = {
        "participant": t(N_("Participant")),
        "viewpoint": t(N_("Viewpoint")),
        "type": t(N_("Type")),
        "rank": t(N_("Rank")),
        "item": t(N_("Item")),
        "likelihood": t(N_("Likelihood")),
        "impact": t(N_("Impact")),
        "score": t(N_("Risk score")),
    }
    types = dict.fromkeys(("rank", "likelihood", "impact", "score"), "int64")
    return _frame(rows, columns, types)


def _register(report: dict[str, Any], t: Translate) -> pd.DataFrame:
    texts: dict[str, list[str]] = {}
    for note in report["appendix"]:
        if note["cluster_id"]:
            texts.setdefault(note["cluster_id"], []).append(note["text"])
    clusters = [row for row in report["ranking"] if row["target_type"] == "cluster"]
    # Highest risk first, unrated clusters after them in ranking order.
    clusters.sort(key=lambda r: (r["risk_score"] is None, -(r["risk_score"] or 0), r["rank"]))
    rows = [
        {
            "title": row["title"],
            "raised_by": ", ".join(row["raised_by"]),
            "likelihood": row["likelihood"],
            "impact": row["impact"],
            "risk_score": row["risk_score"],
            "notes": "\n".join(texts.get(row["target_id"], [])),
            "owner": "",
            "mitigation": "",
        }
        for row in clusters
    ]
    columns = {
        "title": t(N_("Cluster title")),
        "raised_by": t(N_("Viewpoints")),
        "likelihood": t(N_("Likelihood")),
        "impact": t(N_("Impact")),
        "risk_score": t(N_("Risk score")),
        "notes": t(N_("Notes")),
        "owner": t(N_("Owner")),
        "mitigation": t(N_("Mitigation")),
    }
    types = dict.fromkeys(("likelihood", "impact", "risk_score"), "float64")
    return _frame(rows, columns, types)


def _viewpoints(report: dict[str, Any], t: Translate) -> pd.DataFrame:
    questions = {vp["slug"]: vp["question"] for vp in report["viewpoints"]}
    rows = [{**row, "question": questions.get(row["slug"], "")} for row in report["participation"]]
    columns = {
        "viewpoint": t(N_("Viewpoint")),
        "question": t(N_("Question")),
        "colour": t(N_("Colour")),
        "participants": t(N_("Participants")),
        "proxies": t(N_("Proxies")),
        "notes": t(N_("Notes")),
        "voters": t(N_("Voters")),
    }
    types = dict.fromkeys(("participants", "proxies", "notes", "voters"), "int64")
    return _frame(rows, columns, types)


def _timeline(report: dict[str, Any], t: Translate) -> pd.DataFrame:
    rows = [
        {
            "label": row["label"],
            "start": local_time(row["start"]),
            "end": local_time(row["end"]),
            "minutes": round(row["seconds"] / 60, 1) if row["seconds"] is not None else None,
            "planned": row["planned_minutes"],
        }
        for row in report["timeline"]
    ]
    columns = {
        "label": t(N_("Phase")),
        "start": t(N_("Started")),
        "end": t(N_("Ended")),
        "minutes": t(N_("Minutes")),
        "planned": t(N_("Planned minutes")),
    }
    return _frame(rows, columns, {"minutes": "float64", "planned": "Int64"})
