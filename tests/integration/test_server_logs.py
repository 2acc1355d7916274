"""A real ``workshop serve`` process logs no full IP address: access and error lines are cut."""

from __future__ import annotations

import re
import socket
import urllib.request
from pathlib import Path

from tests.support.processes import LiveServer, workshop_env


def test_server_logs_keep_only_the_network_of_the_client(tmp_path: Path, database_url: str) -> None:
    env = workshop_env(
        tmp_path / "instance", database_url, WORKSHOP_ACCESS_LOG="1", WORKSHOP_LOG_LEVEL="INFO"
    )
    server = LiveServer(env).start()
    try:
        with urllib.request.urlopen(server.url + "/?privacy-check", timeout=5) as response:
            assert response.status == 200
        # A malformed request makes gevent log an error naming both ends of the connection.
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
            raw.sendall(b"NOT AN HTTP REQUEST\r\n\r\n")
            raw.recv(1024)
    finally:
        server.stop()
    log = server.log()
    access = [line for line in log.splitlines() if "privacy-check" in line]
    assert access and all(line.split()[3] == "127.0.0.0" for line in access if "INFO" in line), log
    assert re.search(r"ERROR .*127\.0\.0\.0", log), log  # the error line, truncated
    # The start-up banner names the address the server listens on, never a client's.
    rest = [line for line in log.splitlines() if not line.startswith("Denktank serving on")]
    assert not any("127.0.0.1" in line for line in rest), log
