"""Authorisation matrix: every HTTP endpoint of the app × method × role, from the URL map.

Each endpoint declares its audience with ``@allow`` (``workshop/views/access.py``). Here every
rule of ``app.url_map`` (no hand list of routes) is requested with every method it takes, by
every role, with this workshop's ids and codes. Exactly the roles its declaration admits must
succeed (the page, redirect or download a person would get); every other role is refused the
same way everywhere (a 404, or the login page for someone with no facilitator session) and the
database is byte-for-byte what it was (a hash over every row of every table). POSTs carry a
valid CSRF token of the role's own session, so this checks authorisation, not CSRF.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask, abort
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import Rule
from werkzeug.routing.converters import AnyConverter

from tests.support.html import csrf_token
from workshop import create_app, facilitators, participants, plans, workshops
from workshop.models import Base
from workshop.paths import DEMO_PLAN
from workshop.views import access
from workshop.views.access import ANYONE, DISPLAY_KEY_HERE, FACILITATOR, FACILITATOR_HERE

PASSWORD = "correct horse battery"
ROLES = (
    "anonymous",
    "participant_here",
    "participant_elsewhere",
    "facilitator_elsewhere",
    "facilitator_here",
    "display_key_here",
    "display_key_elsewhere",
)
WITH_SESSION = {"facilitator_here", "facilitator_elsewhere"}
# Whom each audience admits: the expectations come from the declarations, through this table.
ADMITS = {
    ANYONE: set(ROLES),
    FACILITATOR: WITH_SESSION,
    FACILITATOR_HERE: {"facilitator_here"},
    DISPLAY_KEY_HERE: {"display_key_here"},
}
# Reviewed: the only endpoints open to anyone. A new public endpoint must be added here on purpose.
PUBLIC = {
    "static",
    "health.healthz",
    "home.index",
    "auth.login",
    "auth.login_link",
    "auth.logout",
    "participant.join",
    "participant.join_submit",
}
# A valid submission per POST endpoint (what the page's form sends, minus the CSRF token).
SAMPLES: dict[str, Callable[[World], dict[str, str]]] = {
    "auth.login": lambda w: {"email": "visitor@example.org", "password": PASSWORD},
    "auth.logout": lambda w: {},
    "participant.join_submit": lambda w: {"display_name": "Mila", "viewpoint": w.slug},
    "console.new": lambda w: {"plan_name": "denktank-cloudstrategie.yaml"},
    "console.delete": lambda w: {"confirm": w.code},
}
STATIC_FILE = "css/app.css"


@dataclass
class World:
    """Two workshops with their owners and one participant each, and a fresh login link."""

    workshop_id: int
    code: str
    slug: str
    display_key: str
    other_display_key: str
    owner_id: int
    other_owner_id: int
    secret: str
    other_secret: str
    other_workshop_id: int
    login_token: str


def db_hash(app: Flask) -> str:
    """A hash over every row of every table, in primary-key order."""
    digest = hashlib.sha256()
    with app.extensions["workshop.engine"].connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            digest.update(f"{table.name}:{rows!r}\n".encode())
    return digest.hexdigest()


def build_world(app: Flask) -> World:
    """Empty the database, create the two workshops through the domain modules, keep a copy."""
    restore(app, {})
    source = DEMO_PLAN.read_text(encoding="utf-8")
    with app.extensions["workshop.sessionmaker"]() as db:
        owner = facilitators.create(db, "here@example.org")
        other_owner = facilitators.create(db, "elsewhere@example.org")
        visitor = facilitators.create(db, "visitor@example.org", PASSWORD)
        here = workshops.create_from_plan(db, plans.load_plan(source), owner, plan_source=source)
        other = workshops.create_from_plan(
            db, plans.load_plan(source), other_owner, plan_source=source
        )
        slug = here.viewpoints[0].slug
        secret = participants.join(db, here, "Pia", slug)[1]
        other_secret = participants.join(db, other, "Olaf", other.viewpoints[0].slug)[1]
        world = World(
            workshop_id=here.id,
            code=here.join_code,
            slug=slug,
            display_key=here.display_token,
            other_display_key=other.display_token,
            owner_id=owner.id,
            other_owner_id=other_owner.id,
            secret=secret,
            other_secret=other_secret,
            other_workshop_id=other.id,
            login_token=facilitators.issue_login_token(db, visitor),
        )
        db.commit()
    app.extensions["test.world_rows"] = rows(app)
    return world


def rows(app: Flask) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table."""
    with app.extensions["workshop.engine"].connect() as conn:
        return {
            table.name: [dict(row._mapping) for row in conn.execute(select(table))]
            for table in Base.metadata.sorted_tables
        }


def restore(app: Flask, saved: dict[str, list[dict[str, Any]]]) -> None:
    """Put the database back to ``saved`` (much faster than building the world again)."""
    with app.extensions["workshop.engine"].begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
        for table in Base.metadata.sorted_tables:
            if saved.get(table.name):
                conn.execute(table.insert(), saved[table.name])


def client_for(app: Flask, world: World, role: str) -> FlaskClient:
    """A browser in ``role``: its session or participant cookies, nothing else."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    owners = {"facilitator_here": world.owner_id, "facilitator_elsewhere": world.other_owner_id}
    if role in owners:
        with client.session_transaction() as session:
            session["facilitator_id"] = owners[role]
    if role == "participant_here":
        client.set_cookie(f"denktank_p{world.workshop_id}", world.secret)
    if role == "participant_elsewhere":
        # Its own workshop's cookie, and the same secret offered for this workshop too.
        client.set_cookie(f"denktank_p{world.other_workshop_id}", world.other_secret)
        client.set_cookie(f"denktank_p{world.workshop_id}", world.other_secret)
    return client


def token_for(client: FlaskClient, role: str) -> str:
    """A CSRF token of this client's own session, read from a page it may see."""
    return csrf_token(client.get("/console/" if role in WITH_SESSION else "/login"))


def urls(rule: Rule, world: World, role: str) -> Iterator[str]:
    """The rule filled in with this workshop's values (every value of an ``any()`` part)."""
    values: dict[str, Any] = {
        "workshop_id": world.workshop_id,
        "code": world.code,
        "token": world.login_token,
        "filename": STATIC_FILE,
    }
    choices = [
        (name, sorted(converter.items))
        for name, converter in rule._converters.items()
        if isinstance(converter, AnyConverter)
    ]
    combos: list[dict[str, Any]] = [{}]
    for name, items in choices:
        combos = [{**combo, name: item} for combo in combos for item in items]
    key = {"display_key_here": world.display_key, "display_key_elsewhere": world.other_display_key}
    for combo in combos:
        path = rule.build({**{k: values[k] for k in rule.arguments if k in values}, **combo})
        assert path is not None
        yield path[1] + (f"?key={key[role]}" if role in key else "")


def expected_roles(app: Flask, endpoint: str) -> set[str]:
    """The roles the endpoint's declaration admits."""
    roles: set[str] = set()
    for audience in access.audiences_of(app, endpoint):
        assert audience in ADMITS, f"{audience!r} is new: say whom it admits in ADMITS"
        roles |= ADMITS[audience]
    return roles


def refusal(app: Flask, endpoint: str, role: str) -> str:
    """How a refused role is answered: the login page or the same 404 as a missing page."""
    audiences = access.audiences_of(app, endpoint)
    if role not in WITH_SESSION and all(a.login_helps for a in audiences):
        return "login"
    return "404"


def outcome(response: Any) -> str:
    """What a person sees: login (sent to log in), 404, error:<status> or ok."""
    if response.status_code in (301, 302, 303, 307, 308):
        location = urlsplit(response.headers["Location"])
        return "login" if location.path == "/login" and "next=" in location.query else "ok"
    if response.status_code in (403, 404):
        return "404"
    return "ok" if response.status_code < 400 else f"error:{response.status_code}"


def check_matrix(app: Flask, endpoints: set[str] | None = None) -> list[str]:
    """Request every (endpoint, method, URL, role); describe every cell that is not as declared."""
    failures: list[str] = []
    world = build_world(app)
    before = db_hash(app)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if endpoints is not None and rule.endpoint not in endpoints:
            continue
        for method in sorted((rule.methods or set()) - {"OPTIONS"}):
            if method == "POST" and rule.endpoint not in SAMPLES:
                failures.append(f"{rule.endpoint}: add a valid submission to SAMPLES")
                continue
            for role in ROLES:
                for url in list(urls(rule, world, role)):
                    found, after = check_cell(app, world, (rule, method, url, role), before)
                    failures += found
                    if after != before:
                        # An allowed change (a join, a login, a deletion): start again from the
                        # same world, so every cell sees this workshop as it was.
                        restore(app, app.extensions["test.world_rows"])
                        assert db_hash(app) == before
    return failures


def check_cell(
    app: Flask, world: World, cell: tuple[Rule, str, str, str], before: str
) -> tuple[list[str], str]:
    """One request as one role: the declared outcome, and nothing changed if it was refused.

    Returns what is wrong, and the database hash afterwards.
    """
    rule, method, url, role = cell
    client = client_for(app, world, role)
    data = None
    if method == "POST":
        data = {**SAMPLES[rule.endpoint](world), "csrf_token": token_for(client, role)}
    response = client.open(url, method=method, data=data)
    after = db_hash(app)
    got = outcome(response)
    allowed = role in expected_roles(app, rule.endpoint)
    want = "ok" if allowed else refusal(app, rule.endpoint, role)
    name = f"{method} {url} as {role}"
    if got != want:
        return [f"{name}: expected {want}, got {got} ({response.status})"], after
    if not allowed and after != before:
        return [f"{name}: refused, yet the database changed"], after
    return [f"{name}: {problem}" for problem in page_problems(rule, role, response)], after


def page_problems(rule: Rule, role: str, response: Any) -> list[str]:
    """The right thing arrived: a download is an attachment, the board only for its owner."""
    problems = []
    body = response.get_data(as_text=False)
    if rule.endpoint == "report.download" and response.status_code == 200:
        if not response.headers.get("Content-Disposition", "").startswith("attachment;"):
            problems.append("the download is not an attachment")
        if response.request.method == "GET" and not body:
            problems.append("the download is empty")
    if rule.endpoint == "participant.join" and response.request.method == "GET":
        board = b'id="denktank-config"' in body
        if board != (role == "participant_here"):
            problems.append("the board went to someone else, or not to its participant")
    return problems


@pytest.fixture
def matrix_app(app_settings: dict[str, Any]) -> Iterator[Flask]:
    """The app with address limits out of the way (one test client address makes every call)."""
    limits = {"LOGINS_PER_MINUTE": 10_000, "JOINS_PER_MINUTE": 10_000}
    application = create_app({**app_settings, **limits, "WRONG_CODES_PER_MINUTE": 10_000})
    yield application
    application.extensions["workshop.engine"].dispose()


def test_every_endpoint_declares_who_may_use_it(matrix_app: Flask) -> None:
    assert access.problems(matrix_app) == []
    public = {
        rule.endpoint
        for rule in matrix_app.url_map.iter_rules()
        if ANYONE in access.audiences_of(matrix_app, rule.endpoint)
    }
    assert public == PUBLIC, "a public endpoint was added or closed: review it, then update PUBLIC"
    for rule in matrix_app.url_map.iter_rules():
        audiences = access.audiences_of(matrix_app, rule.endpoint)
        if "workshop_id" in rule.arguments:
            # Anything about one workshop is for its facilitator (or its projector) only.
            assert audiences <= {FACILITATOR_HERE, DISPLAY_KEY_HERE}, rule.rule
        if rule.rule.startswith("/console"):
            assert audiences <= {FACILITATOR, FACILITATOR_HERE}, rule.rule


def test_every_route_method_and_role_gets_exactly_what_it_declares(matrix_app: Flask) -> None:
    failures = check_matrix(matrix_app)
    assert failures == [], "\n".join(failures)


def test_a_route_without_a_declaration_is_closed_and_stops_the_app(matrix_app: Flask) -> None:
    matrix_app.add_url_rule("/console/secret", "secret", lambda: "the secret")
    assert any("secret" in problem for problem in access.problems(matrix_app))
    with pytest.raises(access.UndeclaredAccess):
        access.verify(matrix_app)
    # Until then nobody gets in, not even a facilitator: closed by default.
    world = build_world(matrix_app)
    for role in ROLES:
        assert client_for(matrix_app, world, role).get("/console/secret").status_code == 404


def test_a_wrong_declaration_fails_the_matrix(matrix_app: Flask) -> None:
    def closed() -> str:
        abort(404)

    # Declared open, but the view refuses; declared open while it shows one workshop.
    matrix_app.add_url_rule("/wrong", "wrong", access.allow(ANYONE)(closed))
    matrix_app.add_url_rule(
        "/console/workshops/<int:workshop_id>/peek", "peek", access.allow(ANYONE)(lambda **_: "")
    )
    # The matrix names every cell that differs (GET and HEAD, each role) ...
    failures = check_matrix(matrix_app, {"wrong"})
    assert len(failures) == 2 * len(ROLES) and all("expected ok, got 404" in f for f in failures)
    # ... and the review of the declarations refuses the open workshop page.
    with pytest.raises(AssertionError):
        test_every_endpoint_declares_who_may_use_it(matrix_app)
