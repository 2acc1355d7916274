"""Static files: one content version in the URL, gzip made once at start, caching headers.

Pages link ``/static/<version>/…`` (Flask's ``url_for('static', …)``), where the version is a
hash of the whole static tree. ES modules import each other by relative path, so every module a
page pulls in shares that version: a changed file changes every URL at once, and the browser
may keep them all for a year (``immutable``). The unversioned ``/static/…`` stays available
for anything that names a file directly; it answers ``Cache-Control: no-cache`` with an ETag,
so a browser revalidates and usually gets ``304 Not Modified``.

WhiteNoise serves both from a copy of the tree in the instance folder, next to gzip files made
once per version (``.gz`` only when it saves at least 5 %; served when ``Accept-Encoding``
allows). ETags are content hashes, so every process of an installation agrees on them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

from workshop.security_headers import STATIC_HEADERS

VERSION_LENGTH = 12
# Old versions stay a while for a process of the previous release that still serves them.
KEEP_OLD_VERSIONS_S = 7 * 24 * 3600
# The source map is for developers only and the largest file by far; no page loads it.
COMPRESS_SKIP = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "ico")


@dataclass(frozen=True)
class StaticBuild:
    """A prepared static tree: its version, the folder served, and an ETag per file."""

    version: str
    folder: Path
    etags: dict[str, str] = field(default_factory=dict)

    @property
    def url_path(self) -> str:
        """Flask's static_url_path: ``/static/<version>``."""
        return f"/static/{self.version}"


# Per process: apps built again with the same static tree (tests) reuse the first one's copy.
_PREPARED: dict[tuple[str, str], StaticBuild] = {}


def _files(static_dir: Path) -> list[Path]:
    return sorted(p for p in static_dir.rglob("*") if p.is_file())


def content_hashes(static_dir: Path) -> dict[str, str]:
    """SHA-256 of each file, by path relative to ``static_dir`` (with forward slashes)."""
    return {
        path.relative_to(static_dir).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in _files(static_dir)
    }


def version_of(hashes: dict[str, str]) -> str:
    """One short hash over every file's name and content."""
    digest = hashlib.sha256()
    for name, file_hash in sorted(hashes.items()):
        digest.update(f"{name}\0{file_hash}\n".encode())
    return digest.hexdigest()[:VERSION_LENGTH]


def prepare(static_dir: Path, cache_root: Path) -> StaticBuild:
    """Copy and gzip the static tree into ``cache_root/<version>`` once; reuse it after."""
    hashes = content_hashes(static_dir)
    version = version_of(hashes)
    etags = {name: f'"{file_hash[:20]}"' for name, file_hash in hashes.items()}
    key = (str(static_dir), version)
    known = _PREPARED.get(key)
    if known is not None and known.folder.is_dir():
        return known
    folder = cache_root / version
    if not folder.is_dir():
        _build(static_dir, cache_root, folder)
        _prune(cache_root, keep=version)
    build = StaticBuild(version, folder, etags)
    _PREPARED[key] = build
    return build


def _build(static_dir: Path, cache_root: Path, folder: Path) -> None:
    # Build aside and rename into place: processes starting together never see half a tree.
    cache_root.mkdir(parents=True, exist_ok=True)
    scratch = cache_root / f".build-{uuid.uuid4().hex}"
    shutil.copytree(static_dir, scratch)
    compressor = Compressor(extensions=COMPRESS_SKIP, use_brotli=False, quiet=True)
    for path in _files(scratch):
        if compressor.should_compress(path.name) and not path.name.endswith(".map"):
            compressor.compress(str(path))
    try:
        os.rename(scratch, folder)
    except OSError:
        # Another process got there first with the same content.
        shutil.rmtree(scratch, ignore_errors=True)


def _prune(cache_root: Path, keep: str) -> None:
    cutoff = time.time() - KEEP_OLD_VERSIONS_S
    for entry in cache_root.iterdir():
        if entry.name != keep and entry.is_dir() and entry.stat().st_mtime < cutoff:
            shutil.rmtree(entry, ignore_errors=True)


def wrap(wsgi_app: Callable[..., Any], build: StaticBuild) -> WhiteNoise:
    """The WSGI app with ``/static/<version>/…`` and ``/static/…`` served by WhiteNoise."""
    versioned = build.url_path + "/"

    def add_headers(headers: Any, path: str, url: str) -> None:
        name = Path(path).relative_to(build.folder).as_posix()
        if name in build.etags:
            headers["ETag"] = build.etags[name]
        if not url.startswith(versioned):
            headers["Cache-Control"] = "no-cache"
        # Flask's after_request never sees these responses: their (shorter) policy is set here.
        for header, value in STATIC_HEADERS.items():
            headers[header] = value
        # wsgiref quotes the charset (charset="utf-8"); valid, but unlike every other response.
        headers["Content-Type"] = headers["Content-Type"].replace('"utf-8"', "utf-8")

    files = WhiteNoise(
        wsgi_app,
        allow_all_origins=False,
        max_age=None,
        immutable_file_test=lambda _path, url: url.startswith(versioned),
        add_headers_function=add_headers,
        mimetypes={".map": "application/json"},
    )
    files.add_files(str(build.folder), prefix=versioned)
    files.add_files(str(build.folder), prefix="/static/")
    return files
