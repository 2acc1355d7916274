"""Take the README/docs screenshots: phone 390×844, projector 1920×1080, console 1440×900.

Usage: .venv/bin/python tools/screenshots.py [OUT_DIR]   (default docs/screenshots)
Starts its own `workshop serve` on 127.0.0.1 with a scratch instance folder.
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
PROJECTOR = {"width": 1920, "height": 1080}
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
            projector = re.search(r"Projector:\s+(\S+)", demo)
            join = re.search(r"Participants join:\s+(\S+)", demo)
            assert login and projector and join, demo
            with sync_playwright() as driver:
                browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                console = browser.new_context(viewport=CONSOLE, locale="nl-NL").new_page()
                console.goto(server.url + "/login")
                console.screenshot(path=str(out / "login.png"))
                console.goto(login.group(1))
                console.goto(server.url + "/console/")
                console.screenshot(path=str(out / "console.png"))
                console.goto(server.url + "/console/workshops/1")
                console.screenshot(path=str(out / "console-workshop.png"), full_page=True)
                console.goto(server.url + "/console/new")
                console.screenshot(path=str(out / "console-new.png"))
                wall = browser.new_context(viewport=PROJECTOR).new_page()
                wall.goto(projector.group(1))
                wall.screenshot(path=str(out / "projector-lobby.png"))
                phone = browser.new_context(
                    viewport=PHONE,
                    device_scale_factor=2,
                    is_mobile=True,
                    has_touch=True,
                    locale="nl-NL",
                ).new_page()
                phone.goto(server.url + "/")
                phone.screenshot(path=str(out / "phone-home.png"))
                phone.goto(join.group(1))
                phone.screenshot(path=str(out / "phone-join.png"))
                browser.close()
        finally:
            server.stop()
    print(f"screenshots written to {out}/")


if __name__ == "__main__":
    main()
