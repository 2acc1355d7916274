"""``GET /healthz``: is the process up, the database reachable, and (if set) the Redis queue."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from workshop.views.access import ANYONE, allow
from workshop.web import get_db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@allow(ANYONE)
def healthz() -> tuple[dict[str, Any], int]:
    """Report liveness and database reachability for load balancers and process managers."""
    try:
        get_db().execute(text("SELECT 1"))
    except SQLAlchemyError:
        return {"status": "error", "database": "unreachable"}, 503
    body: dict[str, Any] = {"status": "ok", "database": "ok"}
    if current_app.config.get("WORKSHOP_MESSAGE_QUEUE"):
        # Reported, but no reason to take the process out of the pool: without Redis it still
        # serves its own sockets, and clients catch up through the seq heartbeat.
        body["message_queue"] = _queue_state()
    return body, 200


def _queue_state() -> str:
    """ok, unreachable (no PING answer) or reconnecting (Redis answers, not yet resubscribed)."""
    from workshop.realtime.server import socketio

    if not _queue_reachable():
        return "unreachable"
    manager = getattr(getattr(socketio, "server", None), "manager", None)
    if getattr(manager, "listening", True) is False:
        return "reconnecting"
    return "ok"


def _queue_reachable() -> bool:
    import redis

    client = current_app.extensions.get("workshop.health_redis")
    if client is None:
        client = redis.Redis.from_url(
            current_app.config["WORKSHOP_MESSAGE_QUEUE"], socket_connect_timeout=1, socket_timeout=1
        )
        current_app.extensions["workshop.health_redis"] = client
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
