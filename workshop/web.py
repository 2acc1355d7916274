"""Wiring shared by the HTTP views: database session per request, login, language, templates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask, current_app, g, render_template, request, session
from flask_babel import Babel, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.exceptions import HTTPException

from workshop import db as db_module
from workshop import facilitators
from workshop.errors import DomainError, NotFound
from workshop.models import Facilitator
from workshop.paths import TRANSLATIONS_DIR

LANGUAGES = ("nl", "en")
LANGUAGE_COOKIE = "denktank_lang"
PHASE_LABELS = {
    "lobby": _l("Lobby"),
    "brainstorm": _l("Brainstorm"),
    "share": _l("Share"),
    "cluster": _l("Cluster"),
    "vote": _l("Vote"),
    "results": _l("Results"),
    "closed": _l("Closed"),
}
csrf = CSRFProtect()
babel = Babel()


def init_app(app: Flask) -> None:
    """Attach the database, Babel, CSRF protection, blueprints and template helpers."""
    engine = db_module.make_engine(app.config["WORKSHOP_DATABASE_URL"])
    app.extensions["workshop.engine"] = engine
    app.extensions["workshop.sessionmaker"] = db_module.make_sessionmaker(engine)
    app.extensions["workshop.read_sessionmaker"] = db_module.make_read_sessionmaker(engine)
    app.teardown_appcontext(_close_db)

    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS_DIR)
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["WORKSHOP_DEFAULT_LANGUAGE"]
    babel.init_app(app, locale_selector=select_language)
    csrf.init_app(app)
    from workshop.views import guard

    guard.init_app(app)

    from workshop.views import register_blueprints

    register_blueprints(app)
    register_error_pages(app)
    app.context_processor(_template_globals)
    app.after_request(_remember_language)


def sessionmaker_for(app: Flask) -> sessionmaker[Session]:
    """The app's sessionmaker (also used by the CLI and realtime handlers)."""
    maker: sessionmaker[Session] = app.extensions["workshop.sessionmaker"]
    return maker


def read_sessionmaker_for(app: Flask) -> sessionmaker[Session]:
    """The app's sessionmaker for read-only work."""
    maker: sessionmaker[Session] = app.extensions["workshop.read_sessionmaker"]
    return maker


def get_db() -> Session:
    """The request's database session, opened on first use and closed at teardown.

    GET requests read (and at most write as their very first statement, like redeeming a
    login link); other methods get a session that takes the write lock up front.
    """
    if "db" not in g:
        reading = request.method in ("GET", "HEAD")
        maker = read_sessionmaker_for(current_app) if reading else sessionmaker_for(current_app)
        g.db = maker()
    db: Session = g.db
    return db


def _close_db(_exc: BaseException | None) -> None:
    db: Session | None = g.pop("db", None)
    if db is not None:
        db.close()


def current_facilitator() -> Facilitator | None:
    """The logged-in facilitator of this request, if any."""
    if "facilitator" not in g:
        facilitator_id = session.get("facilitator_id")
        found = None
        if isinstance(facilitator_id, int):
            try:
                found = facilitators.get(get_db(), facilitator_id)
            except NotFound:
                session.pop("facilitator_id", None)
        g.facilitator = found
    facilitator: Facilitator | None = g.facilitator
    return facilitator


def log_in(facilitator: Facilitator) -> None:
    """Bind the facilitator to a fresh cookie session (no fixation of an earlier one)."""
    session.clear()
    session["facilitator_id"] = facilitator.id
    session.permanent = True
    g.facilitator = facilitator


def log_out() -> None:
    """Forget the logged-in facilitator."""
    session.clear()
    g.facilitator = None


def select_language() -> str:
    """?lang=, the language cookie, the workshop's language, the browser's, the default."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in LANGUAGES:
        return cookie
    # A workshop page speaks the workshop's language: the room shares one projector.
    workshop_language = g.get("workshop_language")
    if workshop_language in LANGUAGES:
        return str(workshop_language)
    best = request.accept_languages.best_match(LANGUAGES)
    return best or current_app.config["WORKSHOP_DEFAULT_LANGUAGE"]


def _remember_language(response: Any) -> Any:
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE,
            asked,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=_cookie_secure(),
        )
    return response


def _cookie_secure() -> bool:
    from workshop.views.guard import cookie_secure

    return cookie_secure()


def use_workshop_language(language: str) -> None:
    """Make the current page default to a workshop's language (call before translating)."""
    g.workshop_language = language


def participant_cookie_name(workshop_id: int) -> str:
    """The cookie holding a phone's participant secret for one workshop."""
    return f"denktank_p{workshop_id}"


def page_config(role: str, workshop_id: int, **extra: Any) -> dict[str, Any]:
    """The JSON a live page embeds: event names, socket settings, role-specific bits."""
    from workshop.realtime import names

    auth: dict[str, Any] = {"workshop": workshop_id, "role": role}
    for key in ("key", "viewpoint"):
        if extra.get(key):
            auth[key] = extra.pop(key)
        else:
            extra.pop(key, None)
    return {
        "names": names.ALL,
        "fact_names": sorted(names.FACTS.values()),
        "role": role,
        "workshop_id": workshop_id,
        "lang": select_language(),
        "socket": {"path": "/socket.io", "auth": auth},
        **extra,
    }


def public_url(path: str) -> str:
    """An absolute link for people (printed, put in QR codes) under WORKSHOP_PUBLIC_URL."""
    base: str = current_app.config["WORKSHOP_PUBLIC_URL"]
    return base + path


def _template_globals() -> dict[str, Any]:
    return {
        "current_facilitator": current_facilitator(),
        "current_language": select_language(),
        "languages": LANGUAGES,
        "format_day": _format_day,
        "phase_label": phase_label,
        "_": _,
    }


def _format_day(value: dt.date | None) -> str:
    return format_date(value, "long") if value else ""


def phase_label(phase: str) -> str:
    """The translated name of a phase."""
    label = PHASE_LABELS.get(phase)
    return str(label) if label is not None else phase


def register_error_pages(app: Flask) -> None:
    """Friendly, translated pages for domain errors, HTTP errors and a stale form."""

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError) -> tuple[str, int]:
        db: Session | None = g.get("db")
        if db is not None:
            db.rollback()
        message = error.as_dict(_)["message"]
        return render_template(
            "errors/error.html", title=_("That did not work"), message=message
        ), error.status

    @app.errorhandler(CSRFError)
    def _csrf_error(_error: CSRFError) -> tuple[str, int]:
        message = _("The form had expired. Go back, reload the page and try again.")
        return render_template(
            "errors/error.html", title=_("Please try again"), message=message
        ), 400

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Any:
        if error.code not in (404, 405, 413, 500):
            return error
        titles = {
            404: (_("Page not found"), _("This page does not exist, or you have no access to it.")),
            405: (_("Not possible"), _("This page cannot be used like that.")),
            413: (_("Too large"), _("What you sent is too large.")),
            500: (
                _("Something went wrong"),
                _("The server made a mistake. Nothing you sent is lost; try again."),
            ),
        }
        title, message = titles[error.code or 500]
        return render_template("errors/error.html", title=title, message=message), error.code
