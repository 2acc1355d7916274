"""Who may use each HTTP endpoint: declared on the view with ``@allow``, enforced before it runs.

Every endpoint states its audience. ``enforce`` (a ``before_request`` hook) admits a request when
any declared audience admits it; otherwise a visitor without a facilitator session is sent to
the login page (when only facilitators could be admitted) and everyone else gets the same 404 a
missing page gives, so nobody learns that someone else's workshop exists. ``verify`` makes the
app refuse to start when an endpoint declares nothing: a new route is closed until someone
decides who may use it. ``tests/integration/test_authz_routes.py`` checks each declaration
against what every role really gets.

No HTTP route is for participants only: the phone's board is the join link's page, shown only
with that workshop's participant cookie (``participant.join``); the rest of a participant's work
goes through Socket.IO, which has its own checks (``workshop/realtime``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, abort, current_app, redirect, request, url_for
from flask.typing import ResponseReturnValue

from workshop import workshops
from workshop.errors import NotFound
from workshop.web import current_facilitator, get_db

F = TypeVar("F", bound=Callable[..., Any])
ATTRIBUTE = "denktank_access"
# The path part naming a workshop: ids the database can hold (PostgreSQL's integer), so a
# larger number is a 404 from routing instead of an overflow in the query.
WORKSHOP_ID = "<int(min=1, max=2147483647):workshop_id>"
DISPLAY_KEY_LIMIT = 128


@dataclass(frozen=True)
class Audience:
    """A kind of visitor an endpoint may be open to."""

    name: str
    admits: Callable[[], bool]
    # A refused visitor with no facilitator session is sent to log in (if every audience has it).
    login_helps: bool = False
    # The rule has to say which workshop: ``WORKSHOP_ID``.
    needs_workshop: bool = False

    def __repr__(self) -> str:
        return self.name


def _workshop_id() -> int | None:
    value = (request.view_args or {}).get("workshop_id")
    return value if isinstance(value, int) else None


def _is_facilitator() -> bool:
    return current_facilitator() is not None


def _owns_workshop() -> bool:
    facilitator, workshop_id = current_facilitator(), _workshop_id()
    if facilitator is None or workshop_id is None:
        return False
    try:
        workshops.get_owned(get_db(), workshop_id, facilitator)
    except NotFound:
        return False
    return True


def _holds_display_key() -> bool:
    key, workshop_id = request.args.get("key", ""), _workshop_id()
    if not key or len(key) > DISPLAY_KEY_LIMIT or workshop_id is None:
        return False
    found = workshops.find_by_display_token(get_db(), key)
    return found is not None and found.id == workshop_id


ANYONE = Audience("anyone", lambda: True)
FACILITATOR = Audience("facilitator", _is_facilitator, login_helps=True)
FACILITATOR_HERE = Audience(
    "facilitator_here", _owns_workshop, login_helps=True, needs_workshop=True
)
DISPLAY_KEY_HERE = Audience("display_key_here", _holds_display_key, needs_workshop=True)
AUDIENCES = (ANYONE, FACILITATOR, FACILITATOR_HERE, DISPLAY_KEY_HERE)


class UndeclaredAccess(RuntimeError):
    """Raised at start when an endpoint does not say who may use it."""


def allow(*audiences: Audience) -> Callable[[F], F]:
    """Declare who may use a view: any one of ``audiences`` admits a request."""
    if not audiences:
        raise ValueError("allow() needs at least one audience")

    def mark(view: F) -> F:
        setattr(view, ATTRIBUTE, frozenset(audiences))
        return view

    return mark


def audiences_of(app: Flask, endpoint: str) -> frozenset[Audience]:
    """The audiences an endpoint declared (empty when it declared none)."""
    view = app.view_functions.get(endpoint)
    found: frozenset[Audience] = getattr(view, ATTRIBUTE, frozenset())
    return found


def problems(app: Flask) -> list[str]:
    """Endpoints without a declaration, or with one their URL cannot satisfy."""
    found = []
    for rule in app.url_map.iter_rules():
        audiences = audiences_of(app, rule.endpoint)
        if not audiences:
            found.append(f"{rule.endpoint} ({rule.rule}) declares no audience (use @allow)")
        elif any(a.needs_workshop for a in audiences) and "workshop_id" not in rule.arguments:
            found.append(f"{rule.endpoint} ({rule.rule}) needs WORKSHOP_ID in its path")
    return found


def verify(app: Flask) -> None:
    """Refuse to start when any endpoint lacks a usable declaration."""
    found = problems(app)
    if found:
        raise UndeclaredAccess("; ".join(found))


def enforce() -> ResponseReturnValue | None:
    """Admit the request if a declared audience does; else login redirect or 404."""
    endpoint = request.endpoint
    if endpoint is None:
        return None  # nothing matched: Flask answers 404 or 405 itself
    audiences = audiences_of(current_app, endpoint)
    if any(audience.admits() for audience in audiences):
        return None
    if audiences and all(a.login_helps for a in audiences) and not _is_facilitator():
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    abort(404)


def _public(names: Iterable[str], app: Flask) -> None:
    for name in names:
        view: Any = app.view_functions.get(name)
        if view is None or getattr(view, ATTRIBUTE, None):
            continue

        # Flask's own views are bound methods (no attributes of their own): wrap them.
        def public(*args: Any, _view: Any = view, **kwargs: Any) -> Any:
            return _view(*args, **kwargs)

        public.__name__ = public.__qualname__ = name
        app.view_functions[name] = allow(ANYONE)(public)


def init_app(app: Flask) -> None:
    """Check every request against its endpoint's declaration; declare Flask's own views."""
    # Static files: WhiteNoise answers before Flask, this view only ever says 404.
    _public(("static",), app)
    app.before_request(enforce)
