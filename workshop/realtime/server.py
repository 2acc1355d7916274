"""The Socket.IO server object and its configuration."""

from __future__ import annotations

from flask import Flask
from flask_socketio import SocketIO

socketio = SocketIO()


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
        # Only pages served from our own public URL (or this machine's loopback) may open a socket.
        cors_allowed_origins=allowed_origins(app),
        max_http_buffer_size=16 * 1024,
        ping_interval=10,
        ping_timeout=20,
    )


def allowed_origins(app: Flask) -> list[str]:
    """The public URL plus the loopback names of the same port."""
    public = app.config["WORKSHOP_PUBLIC_URL"]
    port = app.config["WORKSHOP_PORT"]
    origins = [public]
    for host in ("127.0.0.1", "localhost"):
        origin = f"http://{host}:{port}"
        if origin not in origins:
            origins.append(origin)
    return origins


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

        def log_request(self) -> None:
            privacy.log_request(self, access_log)

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
