"""The security headers every response carries: pages, JSON, errors and static files.

The content security policy allows scripts, styles, images and fonts from this origin only and no
inline script or style (pages keep their data in ``<script type="application/json">`` blocks,
which never run, and colours in ``data-vp-colour`` attributes that the page's module turns into a
CSS custom property through the CSSOM, which the CSP does not restrict). ``connect-src`` names
the websocket form of the page's own origin as well, for browsers whose ``'self'`` does not
cover ``ws:``/``wss:`` yet.
"""

from __future__ import annotations

# Features a workshop never uses; nobody (no frame, no script) may ask for them.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)
HSTS = "max-age=31536000"


def content_security_policy(socket_origin: str | None = None) -> str:
    """The CSP of a page; ``socket_origin`` (ws://host:port) is added to ``connect-src``."""
    connect = "'self'" + (f" {socket_origin}" if socket_origin else "")
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            f"connect-src {connect}",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        )
    )


def page_headers(socket_origin: str | None, https: bool) -> dict[str, str]:
    """Headers for anything the app itself answers (pages, JSON, redirects, errors)."""
    headers = {
        "Content-Security-Policy": content_security_policy(socket_origin),
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": PERMISSIONS_POLICY,
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if https:
        headers["Strict-Transport-Security"] = HSTS
    return headers


# Static files: a CSP matters only if one is opened on its own (an SVG could carry script), so
# it is short; every byte is sent with each of the dozen files a phone's first visit loads.
STATIC_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
