"""Page weight of the participant's first visit, measured in Chromium.

Usage: .venv/bin/python tools/page_weight.py [--join-url URL] [--viewpoint NAME]

Without --join-url it starts its own `workshop serve` (SQLite in a temporary folder) with the
demo workshop. A fresh browser context (empty cache) opens the join link, joins a viewpoint and
waits for the phone board, then opens the board once more from an empty cache (the participant
page's own first load). The tables list every HTTP response with the bytes Chromium received
for it (DevTools' encodedDataLength: headers plus the body as sent, compressed where served so),
once as a phone on the venue LAN over http (gzip) and once as over https (br where offered).
The target: the participant page at most 50 KB from an empty cache on the LAN.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.support.page_weight import first_visit, report  # noqa: E402
from tests.support.processes import LiveServer, workshop_env  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TARGET_BYTES = 50 * 1024


def main() -> int:
    """Measure and print the table; exit 1 when over the target."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--join-url", help="join link of a running server (default: own server)")
    parser.add_argument("--viewpoint", default="Gemeenten", help="viewpoint button to tap")
    args = parser.parse_args()
    chromium = os.environ.get("WORKSHOP_TEST_CHROMIUM", "/usr/bin/chromium")
    with tempfile.TemporaryDirectory() as folder:
        server = None
        join_url = args.join_url
        if not join_url:
            instance = Path(folder) / "instance"
            server = LiveServer(workshop_env(instance, f"sqlite:///{instance / 'workshop.db'}"))
            server.start()
            demo = server.cli("demo").stdout
            found = re.search(r"Participants join:\s+(\S+)", demo)
            assert found, demo
            join_url = found.group(1) + "?lang=en"
        try:
            with sync_playwright() as driver:
                browser = driver.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                lan = first_visit(browser, join_url, args.viewpoint)
                https = first_visit(browser, join_url, args.viewpoint, accept_encoding=None)
                browser.close()
        finally:
            if server is not None:
                server.stop()
    print("Phone on the venue LAN over http (Chromium offers gzip, deflate):\n")
    print(report(lan))
    print("\nPhone over https, or on localhost (Chromium also offers br and zstd):\n")
    print(report(https))
    visit = lan[0].total + lan[1].total
    print(f"\nLAN: first visit (join form + board) {visit / 1024:.1f} KB; ", end="")
    print(f"participant page from an empty cache {lan[2].total / 1024:.1f} KB (target 50 KB)")
    return 0 if lan[2].total <= TARGET_BYTES else 1


if __name__ == "__main__":
    sys.exit(main())
