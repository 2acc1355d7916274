"""The content security policy in Chromium: injected script never runs, and violations are caught.

Every browser test fails on a CSP violation (tests/browser/conftest.py); this test proves the
watcher sees one, and that the app's own pages (join form with viewpoint colours) raise none.
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from tests.browser import conftest
from tests.browser.conftest import PHONE
from tests.support.processes import LiveServer


def _join_code(live_server: LiveServer) -> str:
    found = re.search(r"join code ([A-Z0-9]{6})", live_server.cli("demo").stdout)
    assert found
    return found.group(1)


def test_injected_markup_cannot_run_script_or_inline_style(
    browser: Browser, live_server: LiveServer
) -> None:
    code = _join_code(live_server)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    response = page.goto(f"{live_server.url}/j/{code}")
    assert response is not None
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    # The viewpoint buttons get their colour from data-vp-colour through the CSSOM.
    button = page.locator(".vp-choice").first
    expect(button).to_be_visible()
    page.wait_for_function(
        "() => document.querySelector('.vp-choice').style.getPropertyValue('--vp') !== ''"
    )
    assert not conftest.CSP_VIOLATIONS, conftest.CSP_VIOLATIONS

    page.evaluate("""() => {
        window.ran = [];
        const box = document.createElement("div");
        box.innerHTML = '<img src="/nope.png" onerror="window.ran.push(1)">' +
            '<span style="color: red" id="styled">x</span>';
        document.body.append(box);
        const script = document.createElement("script");
        script.textContent = "window.ran.push(2)";
        document.body.append(script);
    }""")
    page.wait_for_timeout(300)
    assert page.evaluate("window.ran") == []
    colour = page.evaluate("getComputedStyle(document.getElementById('styled')).color")
    assert colour != "rgb(255, 0, 0)"
    seen = list(conftest.CSP_VIOLATIONS)
    conftest.CSP_VIOLATIONS.clear()  # expected here: the autouse check would fail the test
    assert any("script-src" in line for line in seen), seen
    assert any("style-src" in line for line in seen), seen
    context.close()
