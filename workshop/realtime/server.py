"""The Socket.IO server object and its configuration."""

from __future__ import annotations

import gc
import logging
from typing import Any

from flask import Flask
from flask_socketio import SocketIO

socketio = SocketIO()
log = logging.getLogger(__name__)

# Allocations between two collections of the young generation (Python's default: 700).
GC_YOUNG_THRESHOLD = 50_000


def init_app(app: Flask, async_mode: str) -> None:
    """Attach Socket.IO; ``gevent`` for ``workshop serve``, ``threading`` in tests."""
    # Handlers must be registered before the first init_app: Flask-SocketIO keeps handlers
    # registered while it has no server yet and re-attaches them to every app it serves.
    from workshop.realtime import handlers  # noqa: F401
    from workshop.realtime.queue import client_manager

    socketio.init_app(
        app,
        async_mode=async_mode,
        # Always passed, also as None (one process): the SocketIO object is shared by every app
        # of a test run and would otherwise keep the previous app's queue.
        client_manager=client_manager(
            app.config.get("WORKSHOP_MESSAGE_QUEUE"), app.config["WORKSHOP_MESSAGE_QUEUE_CHANNEL"]
        ),
        # Only pages from the public URL, WORKSHOP_ALLOWED_ORIGINS or this machine's own
        # addresses may open a socket; never derived from Host or X-Forwarded-Host (origins.py).
        cors_allowed_origins=list(app.config["WORKSHOP_ORIGINS"]),
        max_http_buffer_size=16 * 1024,
        ping_interval=10,
        ping_timeout=20,
    )
    _drop_malformed_packets()


def _drop_malformed_packets() -> None:
    """Ignore packets python-socketio cannot parse or dispatch, with one short log line.

    Engine.IO would survive them too, but logs a traceback for each: a script could fill the
    disk. Event handlers run as background tasks, so errors in our own code never land here.
    """
    eio = socketio.server.eio
    dispatch = eio.handlers["message"]

    def tolerant(eio_sid: str, data: Any) -> Any:
        try:
            return dispatch(eio_sid, data)
        except (ValueError, TypeError, KeyError, IndexError) as error:
            log.info("dropped a malformed Socket.IO packet: %s", type(error).__name__)
            return None

    eio.on("message", tolerant)


def _tune_garbage_collector() -> None:
    """Keep Python's cycle collector from stalling the event loop under load.

    What exists at start (the app, the templates, pandas, scikit-learn, matplotlib) lives as
    long as the process, yet every full collection walked all of it again: in a vote storm a
    third of the server's time went to collections started by whatever allocated next. Frozen,
    those objects are left out; and with a larger young generation, collections come less
    often (most garbage is freed by reference counting anyway).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def serve(app: Flask, host: str, port: int) -> None:
    """Run the gevent server (the process must be monkey-patched already)."""
    from gevent import pywsgi

    from workshop.realtime import privacy

    access_log = bool(app.config["WORKSHOP_ACCESS_LOG"])

    class Handler(pywsgi.WSGIHandler):  # type: ignore[misc]
        """Close the TCP connection when a websocket ends.

        simple-websocket takes the socket over for the upgrade; without this pywsgi would read
        the client's websocket close frame as the next HTTP request ("Invalid HTTP method") and
        keep the client waiting for a close reply.
        """

        def handle_one_response(self) -> None:
            upgrade = self.environ.get("HTTP_UPGRADE", "").lower() == "websocket"
            super().handle_one_response()
            if upgrade:
                self.close_connection = True

        def handle_error(self, kind: type[BaseException], value: BaseException, tb: Any) -> None:
            # A websocket frame Engine.IO cannot parse (an empty one, say) ends that socket with
            # a ValueError: client input, so one line instead of a traceback per hostile frame.
            upgrade = self.environ.get("HTTP_UPGRADE", "").lower() == "websocket"
            if upgrade and issubclass(kind, ValueError):
                log.info("closed a websocket after a malformed frame: %s", value)
                self.close_connection = True
                return
            super().handle_error(kind, value, tb)

        def log_request(self) -> None:
            privacy.log_request(self, access_log)

    _tune_garbage_collector()
    if app.config.get("WORKSHOP_MESSAGE_QUEUE"):
        from workshop.realtime import heartbeat

        socketio.start_background_task(heartbeat.run, app)
    socketio.start_background_task(privacy.purge_forever, app)
    socketio.run(
        app,
        host=host,
        port=port,
        log_output=False,
        use_reloader=False,
        handler_class=Handler,
        **privacy.server_log_options(),
    )
