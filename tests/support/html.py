"""Small helpers to read what a page shows, as a person (or a form) would."""

from __future__ import annotations

import re
from html import unescape

from werkzeug.test import TestResponse


def csrf_token(response: TestResponse) -> str:
    """The CSRF token of the page's form."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    assert match, "the page has no CSRF token"
    return match.group(1)


def text_of(response: TestResponse) -> str:
    """The page's visible text with tags stripped and whitespace folded."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()
