"""Helpers for realtime tests with Flask-SocketIO's test client (real handlers, real database)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient
from sqlalchemy.orm import Session

from tests.support.html import csrf_token
from workshop import facilitators
from workshop.models import Facilitator, Workshop
from workshop.realtime.server import socketio


def op() -> str:
    """A fresh operation id."""
    return uuid.uuid4().hex


def note_id() -> str:
    """A fresh note id."""
    return str(uuid.uuid4())


class Screen:
    """A connected test client plus what it received, in order."""

    def __init__(self, sio: SocketIOTestClient) -> None:
        self.sio = sio
        self.received: list[tuple[str, dict[str, Any]]] = []

    def emit(
        self, name: str, payload: dict[str, Any] | None = None, **extra: Any
    ) -> dict[str, Any]:
        """Send a command (with a fresh op_id unless given) and return its ack."""
        body = {"op_id": op(), **(payload or {}), **extra}
        ack: dict[str, Any] = self.sio.emit(name, body, callback=True)
        return ack

    def call(self, name: str, payload: Any) -> Any:
        """Send anything, exactly as given."""
        return self.sio.emit(name, payload, callback=True)

    def take(self) -> list[tuple[str, dict[str, Any]]]:
        """Facts received since the last call."""
        fresh = [(item["name"], item["args"][0]) for item in self.sio.get_received()]
        self.received.extend(fresh)
        return fresh

    def sync(self, last_seq: int = 0) -> dict[str, Any]:
        """The sync reply."""
        reply: dict[str, Any] = self.sio.emit("sync", {"last_seq": last_seq}, callback=True)
        return reply


def connect(app: Flask, http: FlaskClient, auth: dict[str, Any]) -> Screen:
    """A socket with the cookies of ``http`` and the given auth."""
    sio = socketio.test_client(app, flask_test_client=http, auth=auth)
    return Screen(sio)


def join(
    app: Flask, workshop: Workshop, name: str = "", viewpoint: str | None = "gemeenten"
) -> tuple[FlaskClient, Screen]:
    """A phone joins over HTTP (form + cookie) and connects."""
    http = app.test_client()
    http.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = http.get(f"/j/{workshop.join_code}")
    form = {"display_name": name, "csrf_token": csrf_token(page)}
    if viewpoint:
        form["viewpoint"] = viewpoint
    response = http.post(f"/j/{workshop.join_code}", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    screen = connect(app, http, {"workshop": workshop.id, "role": "participant"})
    assert screen.sio.is_connected()
    return http, screen


def facilitator_screen(app: Flask, db: Session, owner: Facilitator, workshop: Workshop) -> Screen:
    """The owner's console socket."""
    http = app.test_client()
    token = facilitators.issue_login_token(db, owner)
    db.commit()
    assert http.get(f"/login/{token}").status_code == 302
    return connect(app, http, {"workshop": workshop.id, "role": "facilitator"})


def projector_screen(app: Flask, workshop: Workshop, viewpoint: str | None = None) -> Screen:
    """A view-only wall (or group screen) with the display key."""
    auth: dict[str, Any] = {
        "workshop": workshop.id,
        "role": "projector",
        "key": workshop.display_token,
    }
    if viewpoint:
        auth["viewpoint"] = viewpoint
    return connect(app, app.test_client(), auth)


def seqs(received: list[tuple[str, dict[str, Any]]]) -> list[int]:
    """The seqs of received facts, in arrival order."""
    return [int(payload["seq"]) for _name, payload in received]
