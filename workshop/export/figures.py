"""Figures as PNG (matplotlib, Agg): the ranked bar chart and the 5×5 risk matrix."""

from __future__ import annotations

import io
import textwrap
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

from workshop.export import Translate
from workshop.i18n_markers import N_

TOP = 15  # more bars than this stop being readable in a document
LABEL_CHARS = 48
DPI = 150
# Green → amber → red, read the same by the common colour-vision deficiencies (not red/green
# alone: the score is also printed in each cell).
RISK_COLOURS = LinearSegmentedColormap.from_list("risk", ["#CDE8D4", "#F6D58E", "#E8877A"])


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    # No software/date metadata: the same data gives the same bytes.
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _short(text: str) -> str:
    line = " ".join(text.split())
    return textwrap.shorten(line, LABEL_CHARS, placeholder="…")


def ranking_chart(report: dict[str, Any], translate: Translate) -> bytes | None:
    """Horizontal bars of dots for the top items, best on top; None without any dots."""
    voted = [row for row in report["ranking"] if row["dots"] > 0][:TOP]
    if not voted:
        return None
    figure = Figure(figsize=(7.5, 0.9 + 0.38 * len(voted)), layout="constrained")
    axes = figure.add_subplot()
    labels = [f"{row['rank']}. {_short(row['title'])}" for row in voted]
    values = [row["dots"] for row in voted]
    positions = list(range(len(voted)))[::-1]
    axes.barh(positions, values, color="#0072B2")
    axes.set_yticks(positions, labels=labels, fontsize=8)
    for y, value in zip(positions, values, strict=True):
        axes.text(value, y, f" {value}", va="center", fontsize=8)
    axes.set_xlabel(translate(N_("Dots")))
    axes.set_title(translate(N_("Ranking")), loc="left", fontsize=11)
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure)


def risk_matrix(report: dict[str, Any], translate: Translate) -> bytes | None:
    """The 5×5 likelihood × impact grid with the rank numbers of the items in each cell."""
    matrix = report["matrix"]
    if not matrix["points"]:
        return None
    size = matrix["size"]
    figure = Figure(figsize=(6.0, 5.4), layout="constrained")
    axes = figure.add_subplot()
    scores = [[(i + 1) * (j + 1) for j in range(size)] for i in range(size)]
    axes.imshow(scores, cmap=RISK_COLOURS, origin="lower", vmin=1, vmax=size * size)
    for impact in range(size):
        for likelihood in range(size):
            ranks = matrix["cells"][impact][likelihood]
            text = "\n".join(
                textwrap.wrap(
                    ", ".join(f"#{r}" for r in ranks[:12]) + (" …" if len(ranks) > 12 else ""), 14
                )
            )
            axes.text(likelihood, impact, text, ha="center", va="center", fontsize=7.5)
    ticks = list(range(size))
    axes.set_xticks(ticks, labels=[str(n + 1) for n in ticks])
    axes.set_yticks(ticks, labels=[str(n + 1) for n in ticks])
    axes.set_xlabel(translate(N_("Likelihood")))
    axes.set_ylabel(translate(N_("Impact")))
    axes.set_title(translate(N_("Risk matrix")), loc="left", fontsize=11)
    return _png(figure)
