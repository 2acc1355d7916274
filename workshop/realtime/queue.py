"""The Redis message queue between server processes, made to ride out a Redis restart."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

from socketio import RedisManager

log = logging.getLogger(__name__)

# While Redis is away, a process stays deaf to the other processes' facts until its listener
# reconnects; python-socketio doubles its wait up to 60 s, which after a long outage would leave
# the process deaf for up to a minute more. Retrying every few seconds costs nothing.
LISTEN_RETRY_MAX_S = 4.0

# A publish happens inside a command, before the ack: it must fail fast, not hang the command,
# when Redis is unreachable. The fact is still delivered to this process's sockets (python-socketio
# emits locally first) and the seq heartbeat lets the other processes' clients catch up.
REDIS_OPTIONS: dict[str, Any] = {
    "socket_connect_timeout": 2,
    "socket_keepalive": True,
}


class RedisQueue(RedisManager):  # type: ignore[misc]
    """python-socketio's RedisManager with fail-fast publishing and a capped listener backoff."""

    def __init__(self, url: str, channel: str) -> None:
        super().__init__(url, channel=channel, redis_options=dict(REDIS_OPTIONS))
        # Subscribed right now? /healthz reports a process that cannot hear the others.
        self.listening = False

    def _redis_listen_with_retries(self) -> Iterator[Any]:
        # The upstream loop, with the wait capped at LISTEN_RETRY_MAX_S: (re)connect, subscribe,
        # listen until the connection breaks.
        retry_sleep = 0.5
        while True:
            try:
                self._redis_connect()
                self.pubsub.subscribe(self.channel)
                self.listening = True
                retry_sleep = 0.5
                log.info("message queue: listening on %s", self.channel)
                yield from self.pubsub.listen()
            except Exception as exc:  # noqa: BLE001 - any failure: reconnect and resubscribe
                self.listening = False
                log.warning(
                    "message queue: cannot receive from Redis (%s), retrying in %.1f s",
                    exc,
                    retry_sleep,
                )
                time.sleep(retry_sleep)
                retry_sleep = min(retry_sleep * 2, LISTEN_RETRY_MAX_S)


def client_manager(url: str | None, channel: str) -> RedisQueue | None:
    """The queue for ``WORKSHOP_MESSAGE_QUEUE`` (None: one process, no queue)."""
    if not url:
        return None
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(f"WORKSHOP_MESSAGE_QUEUE must be a redis:// URL, not {url!r}")
    return RedisQueue(url, channel)
