"""Socket.IO against a real server process: allowed origins, message size, hostile packets."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import websocket

from tests.support.processes import LiveServer, workshop_env

EXTRA_ORIGIN = "https://workshop.example.org"
FOREIGN = "http://evil.example"


def _start(tmp: Path, **extra: str) -> LiveServer:
    instance = tmp / "instance"
    env = workshop_env(instance, f"sqlite:///{instance / 'workshop.db'}", **extra)
    return LiveServer(env).start()


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, LiveServer]]:
    """One server that trusts no proxy, one behind a trusted proxy with an extra origin."""
    plain = _start(tmp_path_factory.mktemp("plain"))
    proxied = _start(
        tmp_path_factory.mktemp("proxied"),
        WORKSHOP_TRUST_PROXY="1",
        WORKSHOP_ALLOWED_ORIGINS=EXTRA_ORIGIN,
    )
    yield {"plain": plain, "proxied": proxied}
    plain.stop()
    proxied.stop()


def _ws_url(server: LiveServer) -> str:
    return f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket"


def handshake(server: LiveServer, headers: dict[str, str]) -> int:
    """The HTTP status of a websocket handshake (101 when accepted)."""
    rest = {k: v for k, v in headers.items() if k not in ("Origin", "Host")}
    try:
        # Origin and Host through their own arguments: websocket-client would add its own.
        ws = websocket.create_connection(
            _ws_url(server),
            origin=headers.get("Origin"),
            host=headers.get("Host"),
            header=[f"{k}: {v}" for k, v in rest.items()],
            timeout=5,
        )
    except websocket.WebSocketBadStatusException as error:
        return int(error.status_code)
    ws.close()
    return 101


def polling(server: LiveServer, headers: dict[str, str]) -> int:
    """The status of the first long-polling request (the Engine.IO open)."""
    request = urllib.request.Request(
        f"{server.url}/socket.io/?EIO=4&transport=polling", headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@pytest.mark.parametrize("kind", ["plain", "proxied"])
def test_only_the_apps_own_origins_may_open_a_socket(
    servers: dict[str, LiveServer], kind: str
) -> None:
    server = servers[kind]
    own = {"Origin": server.url}
    spoofed = {
        "Origin": FOREIGN,
        "Host": "evil.example",
        "X-Forwarded-Host": "evil.example",
        "X-Forwarded-Proto": "http",
    }
    for check in (handshake, polling):
        assert check(server, own) in (101, 200)
        assert check(server, {"Origin": f"http://localhost:{server.port}"}) in (101, 200)
        assert check(server, {"Origin": FOREIGN}) == 400
        assert check(server, spoofed) == 400
        # A look-alike: same host, another port or scheme, is another origin.
        assert check(server, {"Origin": f"https://127.0.0.1:{server.port}"}) == 400
        assert check(server, {"Origin": f"http://127.0.0.1:{server.port + 1}"}) == 400
        assert check(server, {"Origin": "null"}) == 400
    configured = {"Origin": EXTRA_ORIGIN}
    expected = (101, 200) if kind == "proxied" else (400,)
    assert handshake(server, configured) in expected and polling(server, configured) in expected


def _projector_auth(server: LiveServer) -> dict[str, Any]:
    out = server.cli("demo").stdout
    found = re.search(r"Projector:\s+\S+/projector/(\d+)\?key=(\S+)", out)
    assert found, out
    return {"workshop": int(found.group(1)), "role": "projector", "key": found.group(2)}


def _open(server: LiveServer, auth: dict[str, Any]) -> websocket.WebSocket:
    ws = websocket.create_connection(_ws_url(server), origin=server.url, timeout=5)
    assert ws.recv().startswith("0")  # Engine.IO open
    ws.send("40" + json.dumps(auth))
    assert ws.recv().startswith("40")  # Socket.IO connect accepted
    return ws


def _request(ws: websocket.WebSocket, ack_id: int, name: str, payload: Any) -> Any:
    ws.send(f"42{ack_id}" + json.dumps([name, payload]))
    while True:
        message = ws.recv()
        if message == "2":  # a server ping while we wait
            ws.send("3")
        elif message.startswith(f"43{ack_id}"):
            return json.loads(message[len(f"43{ack_id}") :])


def test_unknown_events_and_malformed_packets_are_ignored_safely(
    servers: dict[str, LiveServer],
) -> None:
    server = servers["plain"]
    auth = _projector_auth(server)
    ws = _open(server, auth)
    for garbage in (
        '42["no:such:event",{"x":1}]',
        '42["note:add"',
        "42{}",
        "42[]",
        "42[null,1]",
        '42[1,"x"]',
        "4",
        "49",
        "4zzz",
        "",
        '451-["note:add",{"_placeholder":true,"num":0}]',
        '42["sync","not a dict"]',
        '42["note:add",{"op_id":"x","text":"\\u0000"}]',
    ):
        ws.send(garbage)
    ws.send_binary(b"\x00\xff\xfe")
    # An unknown event with an ack id gets an empty ack; the socket is still usable, or the
    # server closed it: either way the server itself keeps serving everyone else.
    try:
        assert _request(ws, 7, "no:such:event", {}) in ([], None)
        reply = _request(ws, 8, "sync", {"last_seq": 0})
        assert reply[0]["ok"] is True
    except (websocket.WebSocketException, ConnectionError):
        pass  # closed by the server (what it answers on a dead socket is no frame at all)
    ws.close()
    fresh = _open(server, auth)
    assert _request(fresh, 1, "sync", {"last_seq": 0})[0]["ok"] is True
    fresh.close()
    assert "Traceback" not in server.log()


def test_messages_over_16_kb_are_refused_and_the_server_lives_on(
    servers: dict[str, LiveServer],
) -> None:
    server = servers["plain"]
    auth = _projector_auth(server)
    ws = _open(server, auth)
    # Just under the cap: answered. Just over: the server drops the socket and never answers.
    assert _request(ws, 1, "sync", {"last_seq": 0, "pad": "x" * 15_000})[0]["ok"] is True
    ws.settimeout(3)
    with pytest.raises((websocket.WebSocketException, ConnectionError, TimeoutError)):
        _request(ws, 2, "sync", {"last_seq": 0, "pad": "x" * 17_000})
    ws.close()
    big = urllib.request.Request(
        f"{server.url}/socket.io/?EIO=4&transport=polling&sid=unknown",
        data=b"x" * 20_000,
        headers={"Origin": server.url, "Content-Type": "text/plain"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(big, timeout=5)
    assert refused.value.code in (400, 413)
    fresh = _open(server, auth)
    assert _request(fresh, 1, "sync", {"last_seq": 0})[0]["ok"] is True
    fresh.close()
