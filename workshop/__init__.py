"""Denktank: realtime think-tank workshops. ``create_app`` builds the Flask application."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["create_app"]


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from defaults, ``WORKSHOP_*`` environment variables and ``overrides``."""
    # Imported here so `workshop serve` can monkey-patch for gevent before Flask loads.
    from workshop.app import build_app

    return build_app(overrides)
