"""Fuzzing every form, path parameter and query parameter of the HTTP app with Hypothesis.

Routes come from ``app.url_map`` (not a hand list). Generated inputs: arbitrary unicode, control
characters, huge strings, numbers where text goes and text where numbers go, files where text
goes and text where a file goes, missing, duplicated and unknown fields. Never a server error
(exceptions propagate in tests, and any 5xx fails); a refused input changes nothing (a hash over
every row); a rejected form says why next to the field, in the page's language. Bounded and
derandomised, so it runs the same in CI in well under a minute on SQLite.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask_babel import force_locale, gettext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import Rule
from werkzeug.routing.converters import AnyConverter, IntegerConverter

from tests.integration.test_authz_routes import (
    SAMPLES,
    World,
    build_world,
    client_for,
    db_hash,
    restore,
    token_for,
)
from tests.support.html import text_of
from workshop import create_app

FUZZ = {
    "deadline": None,
    "derandomize": True,  # the same examples on every run and in CI
    "database": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
POSTS = settings(max_examples=50, **FUZZ)  # per form
GETS = settings(max_examples=40, **FUZZ)  # per route
# Who uses each form normally: the fuzz reaches the schema, not the authorisation check.
ROLE = {"console.new": "facilitator_here", "console.delete": "facilitator_here"}
GET_ROLES = ("anonymous", "participant_here", "facilitator_here", "display_key_here")
QUERY_NAMES = ("code", "next", "key", "viewpoint", "lang", "names", "fmt", "csrf_token")
CONTROL = st.characters(codec="utf-8", max_codepoint=0x9F).filter(
    lambda ch: ch < " " or ch >= "\x7f"
)
NASTY = st.sampled_from(
    ["\u202e", "\u200b", "\ufeff", "\U0001f600", "𝕏", "ﷺ", "<script>", "'\"", "%00", "../"]
)


def texts(max_size: int = 80, huge: int = 200_000) -> st.SearchStrategy[str]:
    """Any text a client could send: unicode, control characters, markup, huge."""
    pieces = st.one_of(
        st.text(st.characters(codec="utf-8"), max_size=max_size),
        st.text(CONTROL, min_size=1, max_size=4),
        NASTY,
    )
    mixed = st.lists(pieces, max_size=4).map("".join)
    long = st.builds(
        lambda ch, n: ch * n,
        st.sampled_from(["a", "é", "\U0001f600", "\x00"]),
        st.integers(min(250, huge), huge),
    )
    numbers = st.one_of(st.integers(-(2**70), 2**70), st.floats(allow_nan=True)).map(str)
    return st.one_of(mixed, long, numbers)


def field_values(valid: str) -> st.SearchStrategy[Any]:
    """What one form field may carry: valid, text, a duplicate, a file, or nothing at all."""
    upload = st.builds(
        lambda data, name: (io.BytesIO(data), name), st.binary(max_size=300), texts(40)
    )
    return st.one_of(
        st.just(valid),
        texts(),
        st.lists(st.one_of(st.just(valid), texts()), min_size=2, max_size=3),
        upload,
        st.none(),
    )


def plan_files() -> st.SearchStrategy[Any]:
    """An uploaded plan: YAML-ish text, random bytes, not UTF-8, or text instead of a file."""
    yamlish = st.lists(
        st.sampled_from(
            ["title: x\n", "viewpoints:\n", "  - name: A\n", "language: xx\n", "- [\n", "&a *a\n"]
        ),
        max_size=6,
    ).map(lambda lines: "".join(lines).encode())
    content = st.one_of(yamlish, st.binary(max_size=400), st.just(b"\xff\xfe" * 50))
    return st.one_of(
        st.builds(lambda data, name: (io.BytesIO(data), name), content, texts(40)),
        texts(),
        st.none(),
    )


def post_forms(endpoint: str, world: World) -> st.SearchStrategy[dict[str, Any]]:
    """A submission of ``endpoint``'s form with any mix of generated fields."""
    sample = SAMPLES[endpoint](world)
    fields: dict[str, st.SearchStrategy[Any]] = {
        name: field_values(value) for name, value in sample.items()
    }
    if endpoint == "console.new":
        fields["plan_file"] = plan_files()
    extra = st.dictionaries(
        st.sampled_from(["x", "", "email[]", "viewpoint ", "ß"]), texts(20), max_size=2
    )
    return st.builds(
        lambda chosen, more: {**more, **{k: v for k, v in chosen.items() if v is not None}},
        st.fixed_dictionaries(fields),
        extra,
    )


def path_value(rule: Rule, name: str, real: Any) -> st.SearchStrategy[str]:
    """A path part: the real value, or anything (text for numbers too)."""
    converter = rule._converters[name]
    if isinstance(converter, AnyConverter):
        return st.one_of(st.sampled_from(sorted(converter.items)), texts(10, 500))
    if isinstance(converter, IntegerConverter):
        # Past PostgreSQL's integer and bigint too: those once reached the query and overflowed.
        edges = st.sampled_from(["0", "-1", "2147483648", "9223372036854775808"])
        numbers = st.one_of(edges, st.integers(-(2**63), 2**70).map(str))
        return st.one_of(st.just(str(real)), numbers, texts(20, 500))
    return st.one_of(st.just(str(real)), texts(60, 500)).filter(bool)


def build_path(rule: Rule, values: dict[str, str]) -> str:
    """The rule's path with each ``<converter:name>`` replaced by its (quoted) value."""

    def fill(match: re.Match[str]) -> str:
        return quote(values[match.group(2)], safe="")

    return re.sub(r"<(?:([^:>]+):)?([^>]+)>", lambda m: fill(m), rule.rule)


def assert_safe(app: Flask, response: Any, before: str, what: str) -> str:
    """No server error; a refusal changed nothing. Returns the hash to compare with next."""
    assert response.status_code < 500, f"{what}: {response.status}"
    after = db_hash(app)
    if after == before:
        return after
    assert response.status_code < 400, f"{what}: refused with {response.status}, yet data changed"
    # Accepted (a join, a new workshop, a deletion): back to the same world for the next one.
    restore(app, app.extensions["test.world_rows"])
    return db_hash(app)


@pytest.fixture
def fuzz_app(app_settings: dict[str, Any]) -> Iterator[Flask]:
    """The app with address limits out of reach (every generated request is one address)."""
    limits = {"LOGINS_PER_MINUTE": 10**6, "JOINS_PER_MINUTE": 10**6}
    application = create_app({**app_settings, **limits, "WRONG_CODES_PER_MINUTE": 10**6})
    yield application
    application.extensions["workshop.engine"].dispose()


def rules(app: Flask, method: str) -> list[Rule]:
    """The app's rules that take ``method``, in a stable order."""
    found = [rule for rule in app.url_map.iter_rules() if method in (rule.methods or ())]
    return sorted(found, key=lambda rule: (rule.rule, rule.endpoint))


def fuzz_form(app: Flask, world: World, rule: Rule, state: dict[str, str]) -> None:
    """Generated submissions of one form, by the role that normally sends it."""
    role = ROLE.get(rule.endpoint, "anonymous")
    url = build_path(rule, {"code": world.code, "workshop_id": str(world.workshop_id)})

    @POSTS
    @given(form=post_forms(rule.endpoint, world))
    def submit(form: dict[str, Any]) -> None:
        client = client_for(app, world, role)
        form["csrf_token"] = token_for(client, role)
        response = client.post(url, data=form, content_type="multipart/form-data")
        state["hash"] = assert_safe(app, response, state["hash"], f"POST {url} {form!r:.300}")

    submit()


def fuzz_route(app: Flask, world: World, rule: Rule, state: dict[str, str]) -> None:
    """Generated path values, query parameters and cookies for one GET route, by several roles."""
    real = {
        "code": world.code,
        "workshop_id": world.workshop_id,
        "token": world.login_token,
        "filename": "css/app.css",
    }
    paths = st.fixed_dictionaries(
        {name: path_value(rule, name, real.get(name)) for name in rule.arguments}
    )
    # Long URLs cost the test client seconds to unquote (real servers answer 414); huge text goes
    # in the forms.
    queries = st.lists(st.tuples(st.sampled_from(QUERY_NAMES), texts(40, 2000)), max_size=4)
    # Cookies are input too: the language, a participant secret, a forged session.
    names = ["denktank_lang", f"denktank_p{world.workshop_id}", "denktank_session"]
    cookies = st.dictionaries(st.sampled_from(names), texts(30, 200), max_size=2)

    @GETS
    @given(values=paths, query=queries, role=st.sampled_from(GET_ROLES), cookies=cookies)
    def visit(
        values: dict[str, str], query: list[tuple[str, str]], role: str, cookies: dict[str, str]
    ) -> None:
        if role == "display_key_here":
            query.append(("key", world.display_key))
        url = build_path(rule, values)
        client = client_for(app, world, role)
        for name, value in cookies.items():
            client.set_cookie(name, value)
        response = client.get(url, query_string=query)
        what = f"GET {url!r:.200} {query!r:.300} {cookies!r:.200}"
        state["hash"] = assert_safe(app, response, state["hash"], what)

    visit()


def test_every_post_form_survives_generated_submissions(fuzz_app: Flask) -> None:
    world = build_world(fuzz_app)
    posts = rules(fuzz_app, "POST")
    assert {rule.endpoint for rule in posts} <= set(SAMPLES), "a new form: add it to SAMPLES"
    state = {"hash": db_hash(fuzz_app)}
    for rule in posts:
        fuzz_form(fuzz_app, world, rule, state)


def test_every_path_and_query_parameter_survives_generated_values(fuzz_app: Flask) -> None:
    world = build_world(fuzz_app)
    state = {"hash": db_hash(fuzz_app)}
    for rule in rules(fuzz_app, "GET"):
        fuzz_route(fuzz_app, world, rule, state)


def dutch(app: Flask, msgid: str) -> str:
    """The app's Dutch for ``msgid`` (the catalogue test checks every msgid has one)."""
    with app.test_request_context(), force_locale("nl"):
        return str(gettext(msgid))


def test_rejected_fields_are_explained_next_to_them_in_dutch(fuzz_app: Flask) -> None:
    # A name with a control character and a group that does not exist: both refused, both
    # explained beside their field, in the workshop's language, and no participant is added.
    world = build_world(fuzz_app)
    phone = client_for(fuzz_app, world, "anonymous")
    phone.environ_base["HTTP_ACCEPT_LANGUAGE"] = "nl"
    token = token_for(phone, "anonymous")
    before = db_hash(fuzz_app)
    form = {"display_name": "Eve\x07", "viewpoint": "nope", "csrf_token": token}
    response = phone.post(f"/j/{world.code}", data=form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert re.search(r'id="display_name"[^>]*aria-invalid="true"', page)
    assert 'id="display_name-error"' in page and 'id="viewpoint-error"' in page
    shown = text_of(response)
    assert dutch(fuzz_app, "This contains invisible control characters.") in shown
    assert dutch(fuzz_app, "Choose your group.") == "Kies je groep." and "Kies je groep." in shown
    assert db_hash(fuzz_app) == before
    # The code box on the home page: too long is said beside the box, and nothing looked up.
    home = phone.get("/", query_string={"code": "K" * 40})
    assert home.status_code == 400
    assert 'id="code-error"' in home.get_data(as_text=True)


def test_query_options_outside_their_schema_are_refused_or_ignored(fuzz_app: Flask) -> None:
    world = build_world(fuzz_app)
    owner = client_for(fuzz_app, world, "facilitator_here")
    report = f"/console/workshops/{world.workshop_id}/report"
    # The report's options are enums: anything else is a link we never made, said in words.
    for query in ({"names": "yes"}, {"lang": "fr"}, {"lang": "nl\x00"}):
        refused = owner.get(report, query_string=query)
        assert refused.status_code == 400, query
        # The workshop speaks Dutch: "… an option the report does not have: …".
        assert "een optie die het verslag niet heeft" in text_of(refused)
    assert owner.get(report, query_string={"names": "1", "lang": "en"}).status_code == 200
    # After login only a same-site path is followed; "/\\host" is another site in browsers.
    visitor = client_for(fuzz_app, world, "anonymous")
    for target in ("/\\evil.example/", "//evil.example/", "https://evil.example/", "/\x00x"):
        form = {"email": "visitor@example.org", "password": "correct horse battery"}
        form |= {"next": target, "csrf_token": token_for(visitor, "anonymous")}
        response = visitor.post("/login", data=form)
        assert response.headers["Location"] == "/console/", target
        visitor = client_for(fuzz_app, world, "anonymous")
