"""The facilitator console: own workshops only, creating one from a plan, the projector link."""

from __future__ import annotations

import io

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.factories import Factory
from tests.support.html import csrf_token, text_of
from workshop import facilitators
from workshop.models import Facilitator, Workshop

BAD_PLAN = b"""\
title: Broken plan
languag: nl
viewpoints:
  - name: Gemeenten
  - name: Gemeenten
    question: Wat nu?
"""


def login(client: FlaskClient, db: Session, account: Facilitator) -> None:
    """Log in through a one-time link, as `make run` does."""
    token = facilitators.issue_login_token(db, account)
    db.commit()
    assert client.get(f"/login/{token}").status_code == 302


def test_console_lists_only_my_workshops(
    client: FlaskClient, db: Session, factory: Factory
) -> None:
    me, other = factory.facilitator(), factory.facilitator()
    mine = factory.workshop(owner=me)
    factory.workshop(
        owner=other, plan_text="title: Someone else's\nviewpoints:\n  - name: A\n    question: Q?\n"
    )
    login(client, db, me)
    page = text_of(client.get("/console/?lang=en"))
    assert "Cloudstrategie voor gemeenten" in page
    assert mine.join_code in page
    assert "Someone else's" not in page


def test_someone_elses_workshop_is_not_found(
    client: FlaskClient, db: Session, factory: Factory
) -> None:
    me, other = factory.facilitator(), factory.facilitator()
    theirs = factory.workshop(owner=other)
    login(client, db, me)
    assert client.get(f"/console/workshops/{theirs.id}").status_code == 404


def test_workshop_page_shows_join_code_qr_and_viewpoints(
    client: FlaskClient, db: Session, factory: Factory
) -> None:
    me = factory.facilitator()
    workshop = factory.workshop(owner=me)
    login(client, db, me)
    response = client.get(f"/console/workshops/{workshop.id}?lang=en")
    html = response.get_data(as_text=True)
    assert "<svg" in html and 'class="qr"' in html
    page = text_of(response)
    assert workshop.join_code in page
    assert f"http://127.0.0.1:5000/j/{workshop.join_code}" in page
    for name in ("Gemeenten", "Leveranciers", "Shared Service Organisatie"):
        assert name in page


def test_create_workshop_from_a_shipped_plan(
    client: FlaskClient, db: Session, factory: Factory
) -> None:
    me = factory.facilitator()
    login(client, db, me)
    form = client.get("/console/new?lang=en")
    assert "retro-remote-work-en.yaml" in text_of(form)
    response = client.post(
        "/console/new",
        data={"plan_name": "retro-remote-work-en.yaml", "csrf_token": csrf_token(form)},
    )
    assert response.status_code == 302
    created = db.scalars(select(Workshop).where(Workshop.owner_id == me.id)).one()
    assert created.language == "en"
    assert len(created.viewpoints) == 2
    assert response.headers["Location"] == f"/console/workshops/{created.id}"


def test_uploaded_plan_with_problems_is_explained_and_creates_nothing(
    client: FlaskClient, db: Session, factory: Factory
) -> None:
    me = factory.facilitator()
    login(client, db, me)
    form = client.get("/console/new?lang=en")
    response = client.post(
        "/console/new",
        data={"plan_file": (io.BytesIO(BAD_PLAN), "broken.yaml"), "csrf_token": csrf_token(form)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "broken.yaml:2:" in page and "languag" in page
    assert "broken.yaml:4:" in page  # the first viewpoint has no question
    assert db.scalar(select(func.count()).select_from(Workshop)) == 0


def test_uploaded_plan_that_is_not_text_is_refused(
    client: FlaskClient, db: Session, factory: Factory
) -> None:
    me = factory.facilitator()
    login(client, db, me)
    form = client.get("/console/new?lang=en")
    response = client.post(
        "/console/new",
        data={
            "plan_file": (io.BytesIO(b"\xff\xfe\x00bad"), "x.yaml"),
            "csrf_token": csrf_token(form),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "not UTF-8" in text_of(response)
    assert db.scalar(select(func.count()).select_from(Workshop)) == 0


def test_projector_opens_with_its_key_or_for_the_owner(
    client: FlaskClient, db: Session, factory: Factory
) -> None:
    me = factory.facilitator()
    workshop = factory.workshop(owner=me)
    other = factory.workshop()
    anonymous = client.application.test_client()
    assert anonymous.get(f"/projector/{workshop.id}").status_code == 404
    assert anonymous.get(f"/projector/{workshop.id}?key={other.display_token}").status_code == 404
    shown = anonymous.get(f"/projector/{workshop.id}?key={workshop.display_token}")
    assert shown.status_code == 200
    page = text_of(shown)
    assert workshop.join_code in page and "Cloudstrategie voor gemeenten" in page
    # The projector speaks the workshop's language (Dutch) and shows no controls.
    assert "Deelnamecode" in page or "deelnamecode" in page.lower()
    assert "<form" not in shown.get_data(as_text=True)
    login(client, db, me)
    assert client.get(f"/projector/{workshop.id}").status_code == 200


def test_join_link_and_home_code_form(client: FlaskClient, factory: Factory) -> None:
    workshop = factory.workshop()
    code = workshop.join_code
    assert client.get(f"/?code={code.lower()}").headers["Location"] == f"/j/{code}"
    assert client.get(f"/j/{code.lower()}").headers["Location"] == f"/j/{code}"
    joined = client.get(f"/j/{code}")
    assert joined.status_code == 200 and "Cloudstrategie voor gemeenten" in text_of(joined)
    missing = client.get("/?code=QQQQQQ&lang=en")
    assert missing.status_code == 404 and "No open workshop has the code QQQQQQ" in text_of(missing)


def test_healthz_reports_the_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_unknown_page_gets_a_translated_error_page(client: FlaskClient) -> None:
    english = client.get("/console/workshops/999999/nothing")
    dutch = client.get("/no-such-page", headers={"Accept-Language": "nl"})
    assert english.status_code == 404 and "Page not found" in text_of(english)
    assert dutch.status_code == 404 and "Pagina niet gevonden" in text_of(dutch)


def test_expired_form_token_explains_what_to_do(client: FlaskClient, factory: Factory) -> None:
    factory.facilitator("anna@example.org")
    response = client.post(
        "/login", data={"email": "anna@example.org", "password": "x", "csrf_token": "stale"}
    )
    assert response.status_code == 400
    assert "reload the page" in text_of(response)
