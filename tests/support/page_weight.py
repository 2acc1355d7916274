"""Page weight: what a phone downloads on its first visit, as Chromium counts it.

Chromium's DevTools protocol reports, per HTTP response, ``encodedDataLength`` in
``Network.loadingFinished``: the bytes that came over the wire (headers plus the body as sent,
gzip-compressed where the server compressed it). Websocket frames are not HTTP responses and
are not counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Browser, Page

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "en-GB",
}


@dataclass
class Transfer:
    """One HTTP response: URL, status, content encoding and bytes on the wire."""

    url: str
    status: int
    encoding: str
    bytes: int


@dataclass
class Weight:
    """Transfers of one step of the visit."""

    step: str
    transfers: list[Transfer] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(t.bytes for t in self.transfers)


class Recorder:
    """Collects finished HTTP responses of one page through a CDP session."""

    def __init__(self, page: Page) -> None:
        self.responses: dict[str, dict[str, Any]] = {}
        self.finished: list[Transfer] = []
        cdp = page.context.new_cdp_session(page)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.send("Network.enable")

    def _response(self, event: dict[str, Any]) -> None:
        response = event["response"]
        headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
        self.responses[event["requestId"]] = {
            "url": response["url"],
            "status": response["status"],
            "encoding": headers.get("content-encoding", ""),
        }

    def _finished(self, event: dict[str, Any]) -> None:
        seen = self.responses.get(event["requestId"])
        if seen is not None:
            self.finished.append(Transfer(**seen, bytes=int(event["encodedDataLength"])))

    def take(self, step: str) -> Weight:
        """The responses finished since the last take."""
        weight = Weight(step, self.finished)
        self.finished = []
        return weight


# What a phone's Chromium asks for over plain http on the venue LAN: it offers Brotli only to
# https and localhost origins, so a measurement on 127.0.0.1 would otherwise flatter the LAN.
LAN_HTTP = "gzip, deflate"


def first_visit(
    browser: Browser, join_url: str, viewpoint: str, accept_encoding: str | None = LAN_HTTP
) -> list[Weight]:
    """What a phone transfers: join form, board after joining, and the board from cold.

    The first two steps are one visit (scan the QR code, tap a viewpoint): the board reuses the
    style sheets the join form fetched. The third opens the board again in a browser with the
    participant's cookie but an empty cache: the participant page's own first load.
    """
    options = dict(PHONE)
    if accept_encoding:
        options["extra_http_headers"] = {"Accept-Encoding": accept_encoding}
    context = browser.new_context(**options)  # a new context starts with an empty cache
    try:
        page = context.new_page()
        recorder = Recorder(page)
        page.goto(join_url, wait_until="networkidle")
        join = recorder.take("join form")
        page.get_by_role("button", name=re.compile("^" + re.escape(viewpoint))).click()
        _settle(page)
        board = recorder.take("board after joining")
        cookies = context.cookies()
    finally:
        context.close()
    cold_context = browser.new_context(**options)
    try:
        cold_context.add_cookies(cookies)  # type: ignore[arg-type]
        page = cold_context.new_page()
        recorder = Recorder(page)
        page.goto(join_url)
        _settle(page)
        cold = recorder.take("board, empty cache")
    finally:
        cold_context.close()
    return [join, board, cold]


def _settle(page: Page) -> None:
    page.wait_for_selector("#group-name")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # lazily imported modules, if any


def report(weights: list[Weight]) -> str:
    """A Markdown table of the transfers per step."""
    lines = ["| step | file | encoding | bytes |", "|---|---|---|---:|"]
    for weight in weights:
        for transfer in weight.transfers:
            if not transfer.bytes:
                continue  # served from the browser's cache
            name = re.sub(r"^https?://[^/]+", "", transfer.url).split("?")[0]
            name = re.sub(r"/static/[0-9a-f]+/", "/static/…/", name)
            encoding = transfer.encoding or "identity"
            lines.append(f"| {weight.step} | `{name}` | {encoding} | {transfer.bytes:,} |")
        lines.append(
            f"| **{weight.step}** | | | **{weight.total:,} ({weight.total / 1024:.1f} KB)** |"
        )
    return "\n".join(lines)
