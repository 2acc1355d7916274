"""A private ``redis-server`` on a free loopback port, which a test may stop and start again.

The machine's Redis on 6379 is shared with everyone else: never restart that one.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import redis

from tests.support.processes import free_port


def redis_server_binary() -> str | None:
    """The path of ``redis-server``, if installed."""
    return shutil.which("redis-server")


class RedisServer:
    """One ``redis-server --port P --save '' --appendonly no`` process (nothing on disk)."""

    def __init__(self, folder: Path, binary: str) -> None:
        self.binary = binary
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 10.0) -> RedisServer:
        """Start on the same port as before and wait until it answers PING."""
        self.folder.mkdir(parents=True, exist_ok=True)
        log = (self.folder / f"redis-{self.port}.log").open("ab")
        self.process = subprocess.Popen(
            [
                self.binary,
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.folder)),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.process.returncode}")
            try:
                if self.client().ping():
                    return self
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def client(self) -> redis.Redis:
        """A client of this server."""
        return redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1)

    def subscribers(self, channel: str) -> int:
        """How many connections listen on ``channel`` (one per server process)."""
        counts = self.client().pubsub_numsub(channel)
        return int(counts[0][1]) if counts else 0

    def stop(self) -> None:
        """Stop it (SIGKILL: as abrupt as a crash; it keeps nothing anyway)."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
