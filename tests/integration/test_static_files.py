"""Static files under `workshop serve`: versioned URLs, gzip, revalidation, types."""

from __future__ import annotations

import gzip
import http.client
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.processes import LiveServer, workshop_env
from workshop import static_files
from workshop.paths import STATIC_DIR


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One real server (gevent pywsgi) for the module."""
    instance = tmp_path_factory.mktemp("static") / "instance"
    live = LiveServer(workshop_env(instance, f"sqlite:///{instance / 'workshop.db'}")).start()
    yield live
    live.stop()


def fetch(server: LiveServer, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """A raw GET (no automatic decompression): status, headers (lower-case names), body."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("GET", path, headers={k.replace("_", "-"): v for k, v in headers.items()})
        response = conn.getresponse()
        return (
            response.status,
            {k.lower(): v for k, v in response.getheaders()},
            response.read(),
        )
    finally:
        conn.close()


def versioned(server: LiveServer, name: str) -> str:
    """The URL the home page links for a static file."""
    _status, _headers, page = fetch(server, "/")
    match = re.search(rf'"(/static/[0-9a-f]+/{re.escape(name)})"', page.decode())
    assert match, f"the home page does not link {name}"
    return match.group(1)


def test_pages_link_versioned_files_cached_for_good(server: LiveServer) -> None:
    url = versioned(server, "css/app.css")
    status, headers, body = fetch(server, url)
    assert status == 200
    assert body == (STATIC_DIR / "css" / "app.css").read_bytes()
    assert headers["content-type"] == "text/css; charset=utf-8"
    assert "immutable" in headers["cache-control"]
    assert "max-age=" in headers["cache-control"]


def test_gzip_when_the_browser_accepts_it(server: LiveServer) -> None:
    url = versioned(server, "css/app.css")
    original = (STATIC_DIR / "css" / "app.css").read_bytes()
    status, headers, body = fetch(server, url, Accept_Encoding="gzip, deflate, br")
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert headers["vary"] == "Accept-Encoding"
    assert int(headers["content-length"]) == len(body) < len(original) / 2
    assert gzip.decompress(body) == original
    # Without Accept-Encoding, the plain file.
    status, headers, body = fetch(server, url)
    assert "content-encoding" not in headers
    assert body == original


def test_modules_share_the_version_of_their_entry_point(server: LiveServer) -> None:
    """ES modules import by relative path: the imported module gets the same version."""
    base = versioned(server, "css/app.css").rsplit("/css/", 1)[0]
    status, _headers, entry = fetch(server, base + "/js/participant.js")
    assert status == 200
    assert './realtime.js"' in entry.decode()
    status, headers, _body = fetch(server, base + "/js/realtime.js")
    assert status == 200
    assert "immutable" in headers["cache-control"]


def test_unversioned_files_are_revalidated(server: LiveServer) -> None:
    status, headers, body = fetch(server, "/static/js/realtime.js", Accept_Encoding="gzip")
    assert status == 200
    assert headers["cache-control"] == "no-cache"
    assert headers["content-type"] == "text/javascript; charset=utf-8"
    assert gzip.decompress(body) == (STATIC_DIR / "js" / "realtime.js").read_bytes()
    etag, modified = headers["etag"], headers["last-modified"]
    status, headers, body = fetch(server, "/static/js/realtime.js", If_None_Match=etag)
    assert (status, body) == (304, b"")
    assert headers["etag"] == etag
    status, _headers, body = fetch(server, "/static/js/realtime.js", If_Modified_Since=modified)
    assert (status, body) == (304, b"")
    status, _headers, _body = fetch(server, "/static/js/realtime.js", If_None_Match='"stale"')
    assert status == 200


def test_types_and_missing_files(server: LiveServer) -> None:
    expected = {
        "img/favicon.svg": "image/svg+xml",
        "vendor/socket.io/socket.io.esm.min.js": "text/javascript; charset=utf-8",
        "css/phone.css": "text/css; charset=utf-8",
    }
    for name, content_type in expected.items():
        status, headers, _body = fetch(server, "/static/" + name)
        assert status == 200, name
        assert headers["content-type"] == content_type
        assert headers["x-content-type-options"] == "nosniff"
    assert fetch(server, "/static/js/nothing-here.js")[0] == 404
    assert fetch(server, "/static/../workshop/app.py")[0] == 404


def test_every_process_agrees_on_versions_and_etags(tmp_path: Path) -> None:
    """Two instance folders (two processes) prepare the same URLs and ETags."""
    static_files._PREPARED.clear()
    one = static_files.prepare(STATIC_DIR, tmp_path / "one")
    static_files._PREPARED.clear()
    two = static_files.prepare(STATIC_DIR, tmp_path / "two")
    assert (one.version, one.etags) == (two.version, two.etags)
    assert one.folder != two.folder
    assert (two.folder / "js" / "realtime.js.gz").exists()
