"""Figures as SVG geometry for the report page: the ranked bar chart and the 5×5 risk matrix.

Plain numbers only (no Flask, no markup): ``templates/report/_figures.html`` draws them as inline
SVG, which prints as sharp vectors at any zoom. The PNG twins for Word live in ``figures.py``.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

TOP = 15  # the same cut as the Word chart: more bars stop being readable on a page
LABEL_CHARS = 44

# The ranking chart, in SVG units (the page scales the whole drawing to its width).
BAR_WIDTH = 760
BAR_LABEL = 380  # room for "12. Title…" left of the bars
BAR_ROW = 28
BAR_TOP = 6

# The matrix, in SVG units: cells of CELL, axis room on the left and below.
CELL = 84
MATRIX_LEFT = 64
MATRIX_TOP = 10
MATRIX_BOTTOM = 64
MATRIX_RIGHT = 12

# Score bands, as the projector's results (static/js/results/common.js) name them.
BANDS = (("low", 1, 4), ("medium", 5, 9), ("high", 10, 16), ("very_high", 17, 25))


def band_of(score: float | None) -> str | None:
    """The band key of a risk score (likelihood × impact), or None without one."""
    if score is None:
        return None
    return next((key for key, _low, high in BANDS if score <= high), BANDS[-1][0])


def short(text: str, width: int = LABEL_CHARS) -> str:
    """A one-line label of at most ``width`` characters."""
    return textwrap.shorten(" ".join(text.split()), width, placeholder="…")


def ranking_bars(report: dict[str, Any]) -> dict[str, Any] | None:
    """Bars for the top items with dots, each split by the voters' viewpoints; None without dots."""
    voted = [row for row in report["ranking"] if row["dots"] > 0][:TOP]
    if not voted:
        return None
    colours = {p["viewpoint"]: p["colour"] for p in report["participation"]}
    order = list(colours)
    most = max(row["dots"] for row in voted)
    span = BAR_WIDTH - BAR_LABEL - 40  # room for the value after the longest bar
    rows = []
    for index, row in enumerate(voted):
        y = BAR_TOP + index * BAR_ROW
        x = float(BAR_LABEL)
        parts = []
        by_viewpoint = row["dots_by_viewpoint"]
        names = [n for n in order if by_viewpoint.get(n)] + [
            n for n in by_viewpoint if n not in colours and by_viewpoint[n]
        ]
        for name in names:
            width = span * by_viewpoint[name] / most
            parts.append(
                {
                    "x": round(x, 2),
                    "width": round(width, 2),
                    "colour": colours.get(name, "#6b7280"),
                    "viewpoint": name,
                    "dots": by_viewpoint[name],
                }
            )
            x += width
        rows.append(
            {
                "rank": row["rank"],
                "title": row["title"],
                "label": f"{row['rank']}. {short(row['title'])}",
                "is_note": row["target_type"] == "note",
                "dots": row["dots"],
                "y": y,
                "text_y": y + BAR_ROW / 2 + 4.5,
                "bar_y": y + 5,
                "bar_height": BAR_ROW - 10,
                "end": round(x, 2),
                "parts": parts,
            }
        )
    used = [name for name in order if any(p["viewpoint"] == name for r in rows for p in r["parts"])]
    return {
        "width": BAR_WIDTH,
        "height": BAR_TOP * 2 + len(rows) * BAR_ROW,
        "label_x": BAR_LABEL - 10,
        "rows": rows,
        "legend": [{"viewpoint": name, "colour": colours[name]} for name in used],
        "more": len([row for row in report["ranking"] if row["dots"] > 0]) - len(rows),
    }


def _spread(count: int) -> tuple[float, list[tuple[float, float]]]:
    """Radius and offsets for ``count`` pins sharing one point: alone, in a ring, or a grid."""
    if count == 1:
        return 17.0, [(0.0, 0.0)]
    if count <= 6:
        ring = max(19.0, 19.5 / math.sin(math.pi / count))
        ring = min(ring, CELL / 2 - 14)
        angles = [-math.pi / 2 + 2 * math.pi * k / count for k in range(count)]
        return 13.0, [(ring * math.cos(a), ring * math.sin(a)) for a in angles]
    cols = math.ceil(math.sqrt(count))
    rows = math.ceil(count / cols)
    step = min(26.0, (CELL - 8) / cols)
    return step / 2 - 1.5, [
        ((k % cols - (cols - 1) / 2) * step, (k // cols - (rows - 1) / 2) * step)
        for k in range(count)
    ]


def matrix_layout(report: dict[str, Any]) -> dict[str, Any] | None:
    """The 5×5 grid with its bands and a numbered pin per rated item; None without ratings."""
    matrix = report["matrix"]
    if not matrix["points"]:
        return None
    size = matrix["size"]
    far_apart = {row["rank"] for row in report["ranking"] if row.get("disagreement")}
    cells = [
        {
            "x": MATRIX_LEFT + (likelihood - 1) * CELL,
            "y": MATRIX_TOP + (size - impact) * CELL,
            "likelihood": likelihood,
            "impact": impact,
            "score": likelihood * impact,
            "band": band_of(likelihood * impact),
        }
        for impact in range(1, size + 1)
        for likelihood in range(1, size + 1)
    ]
    groups: dict[tuple[float, float], list[dict[str, Any]]] = {}
    for point in sorted(matrix["points"], key=lambda p: p["rank"]):
        groups.setdefault((point["likelihood"], point["impact"]), []).append(point)
    pins = []
    for (likelihood, impact), members in groups.items():
        radius, offsets = _spread(len(members))
        cx = MATRIX_LEFT + (likelihood - 0.5) * CELL
        cy = MATRIX_TOP + (size - impact + 0.5) * CELL
        for point, (dx, dy) in zip(members, offsets, strict=True):
            pins.append(
                {
                    **point,
                    "x": round(cx + dx, 2),
                    "y": round(cy + dy, 2),
                    "r": round(radius, 2),
                    "font": round(radius * (1.05 if point["rank"] < 10 else 0.85), 2),
                    "far_apart": point["rank"] in far_apart,
                    "band": band_of(point["risk_score"]),
                }
            )
    # The most serious are drawn last, on top where pins overlap.
    pins.sort(key=lambda p: (p["risk_score"] or 0, -p["rank"]))
    side = MATRIX_LEFT + size * CELL
    return {
        "size": size,
        "cell": CELL,
        "width": side + MATRIX_RIGHT,
        "height": MATRIX_TOP + size * CELL + MATRIX_BOTTOM,
        "left": MATRIX_LEFT,
        "top": MATRIX_TOP,
        "grid": size * CELL,
        "ticks": [
            {
                "n": n,
                "x": MATRIX_LEFT + (n - 0.5) * CELL,
                "y": MATRIX_TOP + (size - n + 0.5) * CELL,
            }
            for n in range(1, size + 1)
        ],
        "cells": cells,
        "pins": pins,
        "list": [
            {**point, "band": band_of(point["risk_score"])}
            for point in sorted(
                matrix["points"], key=lambda p: (-(p["risk_score"] or 0), p["rank"])
            )
        ],
        "far_apart": bool(far_apart & {p["rank"] for p in matrix["points"]}),
    }
