"""What ``workshop serve`` adds for privacy: logs without full IP addresses, the hourly purge."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from gevent import pywsgi

from workshop import ip_privacy, retention
from workshop.realtime.server import socketio

log = logging.getLogger("workshop.retention")
access_log = logging.getLogger("workshop.access")
PURGE_EVERY_S = 3600


class MaskedEnviron(pywsgi.WSGISecureEnviron):  # type: ignore[misc]
    """How gevent prints a request's environ next to a crash: without the client's address."""

    default_whitelist_keys = ("REQUEST_METHOD", "PATH_INFO", "SERVER_PORT")


def server_log_options() -> dict[str, Any]:
    """Route pywsgi's error log through logging, where every IP leaves truncated."""
    ip_privacy.install()
    # gevent prints the environ of a request that crashed; by default that shows REMOTE_ADDR.
    pywsgi.WSGIServer.secure_environ_class = MaskedEnviron
    return {"error_log": logging.getLogger("workshop.server")}


def log_request(handler: pywsgi.WSGIHandler, enabled: bool) -> None:
    """One access-log line (only with WORKSHOP_ACCESS_LOG), with the client's network only."""
    if enabled:
        access_log.info(ip_privacy.scrub(handler.format_request()))


def purge_forever(app: Flask) -> None:
    """Every hour, delete the workshops whose retention period is over (a background task)."""
    from workshop.realtime.deletion import notify_deleted
    from workshop.web import sessionmaker_for

    days = int(app.config["WORKSHOP_RETENTION_DAYS"])
    if days <= 0:
        return
    while True:
        try:
            with app.app_context(), sessionmaker_for(app)() as db:
                removed = retention.purge(db, days)
                db.commit()
                for item in removed:
                    log.info("purged workshop %s", item.describe())
                    notify_deleted(item.workshop_id, item.viewpoint_ids)
        except Exception:
            # A database outage must not end the schedule; the next hour tries again.
            log.exception("purging expired workshops failed")
        socketio.sleep(PURGE_EVERY_S)
