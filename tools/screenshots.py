"""Screenshots of the static pages: login, workshop list, new workshop, phone home page.

Usage: .venv/bin/python tools/screenshots.py [OUT_DIR]   (default docs/screenshots)
Starts its own `workshop serve` on 127.0.0.1 with a scratch instance folder. The live screens
(console, projector, phone board) come from the browser tests, run with
WORKSHOP_SCREENSHOTS=docs/screenshots, because they need a room full of notes.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.support.processes import LiveServer, workshop_env

PHONE = {"width": 390, "height": 844}
CONSOLE = {"width": 1440, "height": 900}


def main() -> None:
    """Start a server with the demo workshop and capture each page."""
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        instance = Path(scratch) / "instance"
        server = LiveServer(workshop_env(instance, f"sqlite:///{instance / 'w.db'}")).start()
        try:
            demo = server.cli("demo").stdout
            login = re.search(r"one-time login link\): (\S+)", demo)
            assert login, demo
            with sync_playwright() as driver:
                browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                console = browser.new_context(viewport=CONSOLE, locale="nl-NL").new_page()
                console.goto(server.url + "/login")
                console.screenshot(path=str(out / "login.png"))
                console.goto(login.group(1))
                console.goto(server.url + "/console/")
                console.screenshot(path=str(out / "console-workshops.png"))
                console.goto(server.url + "/console/new")
                console.screenshot(path=str(out / "console-new.png"))
                phone = browser.new_context(
                    viewport=PHONE,
                    device_scale_factor=2,
                    is_mobile=True,
                    has_touch=True,
                    locale="nl-NL",
                ).new_page()
                phone.goto(server.url + "/")
                phone.screenshot(path=str(out / "phone-home.png"))
                browser.close()
        finally:
            server.stop()
    print(f"screenshots written to {out}/")


if __name__ == "__main__":
    main()
