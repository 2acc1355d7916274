"""Run the real ``workshop`` command and server as separate processes, on loopback only."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def workshop_env(instance: Path, database_url: str, **extra: str) -> dict[str, str]:
    """Environment for a ``workshop`` process: its own instance folder and database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKSHOP_")}
    env.update(
        WORKSHOP_INSTANCE_PATH=str(instance),
        WORKSHOP_DATABASE_URL=database_url,
        WORKSHOP_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def run_cli(
    args: list[str], env: Mapping[str, str], stdin: str | None = None, executable: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``workshop ARGS`` to completion (no terminal attached)."""
    command = [executable] if executable else [sys.executable, "-m", "workshop"]
    return subprocess.run(
        [*command, *args],
        env=dict(env),
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class LiveServer:
    """A ``workshop serve`` process on 127.0.0.1 with its own port."""

    def __init__(
        self, env: Mapping[str, str], command: list[str] | None = None, cwd: Path | None = None
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(env)
        self.env.update(
            WORKSHOP_HOST="127.0.0.1", WORKSHOP_PORT=str(self.port), WORKSHOP_PUBLIC_URL=self.url
        )
        self.command = command or [sys.executable, "-m", "workshop"]
        self.cwd = cwd
        self.log_path = Path(self.env["WORKSHOP_INSTANCE_PATH"]) / f"serve-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> LiveServer:
        """Start the server and wait until /healthz answers."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [*self.command, "serve"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.cwd,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not come up in {timeout}s:\n{self.log()}")

    def log(self) -> str:
        """What the server printed so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a ``workshop`` command against the same instance and database."""
        return run_cli(list(args), self.env)

    def kill(self) -> None:
        """SIGKILL: the server dies mid-whatever, as in a power cut."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def restart(self, timeout: float = 30.0) -> LiveServer:
        """Kill and start again on the same port (clients reconnect to the same address)."""
        self.kill()
        return self.start(timeout)

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
