"""The application factory behind ``workshop.create_app``."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask

from workshop import config as config_module
from workshop.paths import STATIC_DIR, TEMPLATES_DIR


def build_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from defaults, ``WORKSHOP_*`` environment variables and ``overrides``."""
    settings = config_module.build(overrides)
    app = Flask(
        "workshop",
        instance_path=settings["INSTANCE_PATH"],
        template_folder=str(TEMPLATES_DIR),
        static_folder=str(STATIC_DIR),
        static_url_path="/static",
    )
    app.config.update({f"WORKSHOP_{key}": value for key, value in settings.items()})
    app.config.update(
        SECRET_KEY=config_module.secret_key(settings["INSTANCE_PATH"], settings["SECRET_KEY"]),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings["PUBLIC_URL"].startswith("https://"),
        SESSION_COOKIE_NAME="denktank_session",
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
    )
    if overrides:
        for key in ("TESTING", "WTF_CSRF_ENABLED"):
            if key in overrides:
                app.config[key] = overrides[key]
    logging.basicConfig(level=settings["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(message)s")

    from workshop import web
    from workshop.realtime import server as realtime

    web.init_app(app)
    realtime.init_app(app, async_mode=settings.get("ASYNC_MODE") or "threading")
    return app
