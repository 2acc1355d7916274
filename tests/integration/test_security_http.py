"""HTTP hardening: security headers everywhere, CSRF on every form, cookie flags, proxy trust."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.support.factories import Factory
from tests.support.html import csrf_token
from workshop import create_app, facilitators
from workshop.models import Participant, Workshop

PASSWORD = "correct horse battery"
CSP_PARTS = (
    "script-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "connect-src 'self'",
)


def assert_hardened(response: Any, static: bool = False) -> None:
    """The headers every response carries."""
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    csp = headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    if static:
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        return
    for part in CSP_PARTS:
        assert part in csp, part
    assert "camera=()" in headers["Permissions-Policy"]


def log_in(client: FlaskClient, factory: Factory) -> None:
    factory.facilitator("anna@example.org", PASSWORD)
    page = client.get("/login")
    form = {"email": "anna@example.org", "password": PASSWORD, "csrf_token": csrf_token(page)}
    assert client.post("/login", data=form).status_code == 302


def test_pages_json_redirects_errors_and_static_files_carry_the_headers(
    client: FlaskClient, factory: Factory
) -> None:
    workshop = factory.workshop()
    for path in ("/", "/login", f"/j/{workshop.join_code}", "/healthz", "/console/", "/nope"):
        assert_hardened(client.get(path))
    assert_hardened(client.post("/j/ZZZZZZ"))  # refused by CSRF: an error page, still hardened
    static = client.get("/static/js/realtime.js")
    assert static.status_code == 200
    assert_hardened(static, static=True)


def test_static_files_from_a_live_server_carry_the_headers(app: Flask) -> None:
    # WhiteNoise answers before Flask: its responses get their headers in static_files.wrap.
    with app.test_client() as client:
        page = client.get("/login").get_data(as_text=True)
        versioned = page.split('href="', 2)[1].split('"', 1)[0]
        assert versioned.startswith("/static/")
        assert_hardened(client.get(versioned), static=True)


def _post_urls(app: Flask, workshop: Workshop) -> list[str]:
    """Every POST route of the app (from its URL map), filled in for ``workshop``."""
    values = {"code": workshop.join_code, "workshop_id": workshop.id}
    urls = []
    for rule in app.url_map.iter_rules():
        if "POST" in (rule.methods or ()):
            urls.append(rule.build({k: values[k] for k in rule.arguments})[1])
    return sorted(urls)


@pytest.mark.parametrize("token", [None, "wrong", "IjEyMyI.ZZZ.aaa"])
def test_a_post_without_a_valid_token_changes_nothing(
    app: Flask, client: FlaskClient, factory: Factory, scalar: Callable[[Any], Any], token: Any
) -> None:
    extra = {} if token is None else {"csrf_token": token}
    # Login: no cookie session appears.
    factory.facilitator("bob@example.org", PASSWORD)
    form = {"email": "bob@example.org", "password": PASSWORD, **extra}
    assert client.post("/login", data=form).status_code == 400
    assert client.get("/console/").status_code == 302

    # Logged in as the owner, every form of the app (enumerated, not listed) is refused.
    log_in(client, factory)
    owner = facilitators.find(factory.db, "anna@example.org")
    workshop = factory.workshop(owner=owner)
    counts = (select(func.count(Participant.id)), select(func.count(Workshop.id)))
    before = [scalar(query) for query in counts]
    urls = _post_urls(app, workshop)
    assert {"/login", "/logout", f"/j/{workshop.join_code}", "/console/new"} <= set(urls)
    form = {
        "display_name": "Eve",
        "viewpoint": "gemeenten",
        "plan_name": "denktank-cloudstrategie.yaml",
        "confirm": workshop.join_code,
        **extra,
    }
    for url in urls:
        assert client.post(url, data=form).status_code == 400, url
    assert [scalar(query) for query in counts] == before
    assert client.get_cookie(f"denktank_p{workshop.id}") is None
    assert client.get("/console/").status_code == 200  # logout was refused too


def test_language_switch_is_a_get_and_changes_only_a_cookie(client: FlaskClient) -> None:
    # No form to protect: ?lang= sets the language cookie (HttpOnly, SameSite) and nothing else.
    response = client.get("/?lang=en")
    cookie = client.get_cookie("denktank_lang")
    assert response.status_code == 200 and cookie is not None
    assert cookie.http_only and cookie.same_site == "Lax" and not cookie.secure


def test_cookies_are_httponly_and_samesite(client: FlaskClient, factory: Factory) -> None:
    workshop = factory.workshop()
    log_in(client, factory)
    session = client.get_cookie("denktank_session")
    assert session is not None and session.http_only and session.same_site == "Lax"
    assert not session.secure  # plain http on the laptop: a Secure cookie would never come back
    phone = client.application.test_client()
    page = phone.get(f"/j/{workshop.join_code}")
    form = {"viewpoint": "gemeenten", "csrf_token": csrf_token(page)}
    assert phone.post(f"/j/{workshop.join_code}", data=form).status_code == 302
    secret = phone.get_cookie(f"denktank_p{workshop.id}")
    assert secret is not None and secret.http_only and secret.same_site == "Lax"


def _app(app_settings: dict[str, Any], **changes: Any) -> Flask:
    return create_app({**app_settings, **changes})


def _phone_cookie_secure(app: Flask, workshop: Workshop, **environ: str) -> bool:
    phone = app.test_client()
    phone.environ_base.update(environ)
    page = phone.get(f"/j/{workshop.join_code}")
    form = {"viewpoint": "gemeenten", "csrf_token": csrf_token(page)}
    # Over https with a no-referrer policy there is no Referer: the token alone must do.
    response = phone.post(f"/j/{workshop.join_code}", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    cookie = phone.get_cookie(f"denktank_p{workshop.id}")
    assert cookie is not None
    return bool(cookie.secure)


def test_https_public_url_makes_every_cookie_secure(
    app_settings: dict[str, Any], factory: Factory
) -> None:
    app = _app(app_settings, PUBLIC_URL="https://denktank.example.org")
    assert _phone_cookie_secure(app, factory.workshop())
    response = app.test_client().get("/?lang=nl")
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_forwarded_proto_counts_only_from_a_trusted_proxy(
    app_settings: dict[str, Any], factory: Factory
) -> None:
    forwarded = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert _phone_cookie_secure(_app(app_settings), factory.workshop(), **forwarded) is False
    trusting = _app(app_settings, TRUST_PROXY=1)
    assert _phone_cookie_secure(trusting, factory.workshop(), **forwarded) is True


def test_a_login_link_is_refused_when_an_address_tries_too_many(
    app_settings: dict[str, Any], factory: Factory
) -> None:
    app = _app(app_settings, LOGINS_PER_MINUTE=3)
    account = factory.facilitator("carol@example.org", PASSWORD)
    for _ in range(3):
        assert app.test_client().get("/login/not-a-token").status_code == 400
    token = facilitators.issue_login_token(factory.db, account)
    factory.db.commit()
    blocked = app.test_client().get(f"/login/{token}", headers={"Accept-Language": "en"})
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) >= 1
    assert "Too many attempts" in blocked.get_data(as_text=True)
    assert_hardened(blocked)
    # Another address is not affected, and the link was not spent by the refused attempt.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "127.0.0.2"
    assert other.get(f"/login/{token}").status_code == 302
