"""Facilitator login: password form, one-time links (single use, short-lived), logout."""

from __future__ import annotations

import datetime as dt

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.factories import Factory
from tests.support.html import csrf_token, text_of
from workshop import facilitators
from workshop.models import LoginToken

PASSWORD = "correct horse battery"


def log_in(client: FlaskClient, email: str, password: str, next_path: str = "") -> object:
    """Submit the login form like a browser does."""
    page = client.get("/login")
    return client.post(
        "/login",
        data={
            "email": email,
            "password": password,
            "next": next_path,
            "csrf_token": csrf_token(page),
        },
    )


def test_console_requires_login(client: FlaskClient) -> None:
    response = client.get("/console/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/console/")


def test_password_login_opens_the_console(client: FlaskClient, factory: Factory) -> None:
    account = factory.facilitator("anna@example.org", PASSWORD)
    factory.workshop(owner=account)
    response = log_in(client, "Anna@Example.org ", PASSWORD)
    assert response.status_code == 302
    console = client.get("/console/")
    assert console.status_code == 200
    assert "Cloudstrategie voor gemeenten" in text_of(console)
    cookie = client.get_cookie("denktank_session")
    assert cookie is not None and cookie.http_only


def test_wrong_password_is_refused_without_saying_which_part(
    client: FlaskClient, factory: Factory
) -> None:
    factory.facilitator("anna@example.org", PASSWORD)
    wrong = log_in(client, "anna@example.org", "not the password")
    unknown = log_in(client, "nobody@example.org", PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 400
        assert "do not match" in text_of(response)
    assert client.get("/console/").status_code == 302


def test_login_form_without_csrf_token_changes_nothing(
    client: FlaskClient, factory: Factory
) -> None:
    factory.facilitator("anna@example.org", PASSWORD)
    response = client.post("/login", data={"email": "anna@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/console/").status_code == 302


def test_one_time_link_logs_in_once(
    client: FlaskClient, db: Session, factory: Factory, app: object
) -> None:
    account = factory.facilitator("bram@example.org", password=None)
    token = facilitators.issue_login_token(db, account)
    db.commit()
    first = client.get(f"/login/{token}?next=/console/")
    assert first.status_code == 302 and first.headers["Location"] == "/console/"
    assert client.get("/console/").status_code == 200

    other_browser = client.application.test_client()
    other_browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    again = other_browser.get(f"/login/{token}")
    assert again.status_code == 400
    assert "no longer works" in text_of(again)
    assert other_browser.get("/console/").status_code == 302


def test_expired_link_is_refused(client: FlaskClient, db: Session, factory: Factory) -> None:
    account = factory.facilitator(password=None)
    token = facilitators.issue_login_token(db, account, minutes=15)
    row = db.scalars(select(LoginToken)).one()
    row.expires_at = row.created_at - dt.timedelta(seconds=1)
    db.commit()
    response = client.get(f"/login/{token}")
    assert response.status_code == 400
    assert client.get("/console/").status_code == 302


def test_made_up_link_is_refused(client: FlaskClient) -> None:
    response = client.get("/login/not-a-real-token")
    assert response.status_code == 400
    assert "expired or already used" in text_of(response)


def test_login_tokens_are_long_and_stored_hashed(db: Session, factory: Factory) -> None:
    account = factory.facilitator()
    token = facilitators.issue_login_token(db, account)
    db.commit()
    assert len(token) >= 43  # 32 random bytes, url-safe base64
    stored = db.scalars(select(LoginToken.token_hash)).one()
    assert token not in stored and len(stored) == 64


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_login_never_redirects_off_site(client: FlaskClient, factory: Factory, target: str) -> None:
    factory.facilitator("anna@example.org", PASSWORD)
    response = log_in(client, "anna@example.org", PASSWORD, next_path=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/console/"


def test_logout_needs_a_post_with_csrf(client: FlaskClient, factory: Factory) -> None:
    factory.facilitator("anna@example.org", PASSWORD)
    log_in(client, "anna@example.org", PASSWORD)
    assert client.post("/logout").status_code == 400  # no token: still logged in
    assert client.get("/console/").status_code == 200
    page = client.get("/console/")
    assert client.post("/logout", data={"csrf_token": csrf_token(page)}).status_code == 302
    assert client.get("/console/").status_code == 302


def test_login_page_speaks_dutch_and_english(client: FlaskClient) -> None:
    dutch = client.get("/login", headers={"Accept-Language": "nl-NL,nl;q=0.9"})
    english = client.get("/login?lang=en")
    assert "Inloggen" in text_of(dutch)
    assert "Log in" in text_of(english)
    # The explicit choice sticks for the next page.
    assert "Log in" in text_of(client.get("/login", headers={"Accept-Language": "nl"}))
