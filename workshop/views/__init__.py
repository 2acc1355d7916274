"""HTTP blueprints: thin, they authorise, validate, call the domain and render."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Register every blueprint of the app, and the check of who may use each endpoint."""
    from workshop.views import access, auth, console, health, home, participant, projector, report

    for module in (health, home, participant, auth, console, projector, report):
        app.register_blueprint(module.bp)
    access.init_app(app)
