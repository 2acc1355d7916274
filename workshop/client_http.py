"""Cookies and CSRF tokens for the protocol client, over plain urllib (no extra dependency)."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request


class HttpSession:
    """Cookies and CSRF tokens over plain urllib (no extra dependency)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str, str]:
        """GET; returns status, final URL and body."""
        with self.opener.open(self._url(path), timeout=15) as response:
            return response.status, response.geturl(), response.read().decode()

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[int, str, str]:
        """POST a form, with the CSRF token of the page at the same path."""
        _status, _url, page = self.get(path)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        data = dict(fields)
        if match:
            data["csrf_token"] = match.group(1)
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self._url(path), data=body, method="POST")
        try:
            with self.opener.open(request, timeout=15) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, path, error.read().decode()

    def cookie_header(self) -> str:
        """The Cookie header a browser would send to this site."""
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)

    def _url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path
