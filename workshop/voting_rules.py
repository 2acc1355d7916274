"""The plan's voting rules: dots, risk scoring or both, the budget and the cap per item."""

from __future__ import annotations

from typing import Any

from workshop.models import Workshop


def settings(workshop: Workshop) -> dict[str, Any]:
    """The plan's voting settings with their defaults."""
    voting = workshop.settings.get("voting", {})
    return {
        "mode": voting.get("mode", "dots"),
        "budget": int(voting.get("dots_per_participant", 5)),
        "cap": int(voting.get("max_dots_per_item", 3)),
    }
