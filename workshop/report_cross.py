"""Across viewpoints: which clusters several viewpoints raised, and where their votes diverge."""

from __future__ import annotations

from typing import Any

# A cluster counts as ranked "very differently" when one viewpoint's voters put it in their top
# three while another viewpoint's voters ranked it this many places lower (or gave it no dots).
TOP = 3
RANK_GAP = 3


def _brief(row: dict[str, Any], names: dict[int, str]) -> dict[str, Any]:
    return {
        "rank": row["rank"],
        "target_type": row["target_type"],
        "target_id": row["target_id"],
        "title": row["title"],
        "raised_by": [names[v] for v in row["raised_by"] if v in names],
        "dots": row["dots"],
        "risk_score": row["risk_score"],
    }


def viewpoint_ranks(ranked: list[dict[str, Any]], voting: list[int]) -> dict[str, dict[int, int]]:
    """Per item key, each voting viewpoint's rank of it (1 = most of that viewpoint's dots)."""
    ranks: dict[str, dict[int, int]] = {}
    for viewpoint in voting:
        key = str(viewpoint)
        scored = sorted(
            (row for row in ranked if row["dots_by_viewpoint"].get(key, 0) > 0),
            key=lambda row: (-row["dots_by_viewpoint"][key], row["rank"]),
        )
        places = {id(row): n for n, row in enumerate(scored, start=1)}
        last = len(scored) + 1  # items this viewpoint gave no dots share the place after its last
        for row in ranked:
            item = f"{row['target_type']}:{row['target_id']}"
            ranks.setdefault(item, {})[viewpoint] = places.get(id(row), last)
    return ranks


def cross_viewpoint(ranked: list[dict[str, Any]], names: dict[int, str]) -> dict[str, Any]:
    """Shared versus single-viewpoint clusters, diverging rankings and disputed risk scores."""
    clusters = [row for row in ranked if row["target_type"] == "cluster"]
    voting = [vp for vp in names if any(row["dots_by_viewpoint"].get(str(vp)) for row in ranked)]
    ranks = viewpoint_ranks(ranked, voting) if len(voting) > 1 else {}
    divergent = []
    for row in ranked:
        places = ranks.get(f"{row['target_type']}:{row['target_id']}", {})
        if not places or row["dots"] == 0:
            continue
        best, worst = min(places.values()), max(places.values())
        if best <= TOP and worst - best >= RANK_GAP:
            divergent.append(
                {
                    **_brief(row, names),
                    "ranks": {names[vp]: places[vp] for vp in voting},
                    "dots_by_viewpoint": {
                        names[vp]: row["dots_by_viewpoint"].get(str(vp), 0) for vp in voting
                    },
                }
            )
    return {
        "shared": [_brief(row, names) for row in clusters if len(row["raised_by"]) > 1],
        "single": [_brief(row, names) for row in clusters if len(row["raised_by"]) == 1],
        "divergent": divergent,
        "disputed": [_brief(row, names) for row in ranked if row["disagreement"]],
    }
