"""The participant page stays small: at most 50 KB transferred from an empty cache (brief)."""

from __future__ import annotations

import re

from playwright.sync_api import Browser

from tests.support.page_weight import first_visit, report
from tests.support.processes import LiveServer

TARGET_BYTES = 50 * 1024


def test_the_participant_page_weighs_at_most_50_kb(
    browser: Browser, live_server: LiveServer
) -> None:
    demo = live_server.cli("demo").stdout
    join = re.search(r"Participants join:\s+(\S+)", demo)
    assert join, demo
    # As a phone on the venue LAN over plain http: Chromium offers gzip there, not Brotli.
    join_form, after_joining, cold = first_visit(browser, join.group(1) + "?lang=en", "Gemeenten")
    table = report([join_form, after_joining, cold])
    print(table)  # shown with -s, and in the failure report
    assert cold.total <= TARGET_BYTES, table
    # Everything the page fetches beyond a few bytes comes compressed.
    for transfer in cold.transfers:
        if transfer.bytes > 1024:
            assert transfer.encoding == "gzip", transfer
    # The board reuses what the join form fetched: the style sheets come from the cache.
    fetched = [t.url for t in after_joining.transfers if t.bytes]
    assert not [url for url in fetched if url.endswith(".css")], fetched
