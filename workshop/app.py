"""The application factory behind ``workshop.create_app``."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_compress import Compress
from werkzeug.middleware.proxy_fix import ProxyFix

from workshop import config as config_module
from workshop import origins, static_files
from workshop.paths import STATIC_DIR, TEMPLATES_DIR


def build_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from defaults, ``WORKSHOP_*`` environment variables and ``overrides``."""
    settings = config_module.build(overrides)
    # Pages link /static/<version>/…; see static_files.py for the caching this allows.
    static = static_files.prepare(STATIC_DIR, Path(settings["INSTANCE_PATH"]) / "static-cache")
    app = Flask(
        "workshop",
        instance_path=settings["INSTANCE_PATH"],
        template_folder=str(TEMPLATES_DIR),
        static_folder=str(STATIC_DIR),
        static_url_path=static.url_path,
    )
    app.config.update({f"WORKSHOP_{key}": value for key, value in settings.items()})
    # The only origins whose pages may open a socket (and the CSP's websocket source).
    app.config["WORKSHOP_ORIGINS"] = origins.allowed_origins(settings)
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
    app.wsgi_app = static_files.wrap(app.wsgi_app, static)  # type: ignore[method-assign]
    # Pages and JSON compressed on the fly (static files come precompressed from WhiteNoise):
    # the phone's board page shrinks from 14 KB to 4 KB, which keeps the first visit small.
    app.config.update(COMPRESS_ALGORITHM=["br", "gzip"], COMPRESS_BR_LEVEL=5, COMPRESS_MIN_SIZE=500)
    Compress(app)
    hops = int(settings["TRUST_PROXY"])
    if hops > 0:
        # Outermost, so every layer (static files, Socket.IO, the views) sees the client's
        # address and scheme. Host and X-Forwarded-Host are never trusted: links come from
        # WORKSHOP_PUBLIC_URL and socket origins from an explicit list.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    from workshop.views import access

    access.verify(app)  # no endpoint serves before someone declared who may use it
    return app
