"""The phone: join a workshop by its code, then the live board of one's group."""

from __future__ import annotations

from flask import Blueprint, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from workshop import participants, workshops
from workshop.errors import DomainError
from workshop.models import Participant, Workshop
from workshop.views import guard
from workshop.views.access import ANYONE, allow
from workshop.views.forms import JoinForm, printable
from workshop.web import (
    get_db,
    page_config,
    participant_cookie_name,
    use_workshop_language,
)

bp = Blueprint("participant", __name__)
COOKIE_MAX_AGE = 30 * 24 * 3600
CODE_ECHO_LIMIT = 32


def _workshop(code: str) -> Workshop | None:
    return workshops.find_open_by_code(get_db(), code)


def _not_found(code: str) -> ResponseReturnValue:
    guard.spend(guard.WRONG_CODES)
    # Echo what was typed only if it could be a code: no control characters, not a novel.
    shown = code if printable(code) and len(code) <= CODE_ECHO_LIMIT else ""
    error = _("No open workshop has the code %(code)s. Check the code on the screen.", code=shown)
    return render_template("home/index.html", code=shown, error=error), 404


def _me(workshop: Workshop) -> Participant | None:
    secret = request.cookies.get(participant_cookie_name(workshop.id))
    return participants.identify(get_db(), workshop.id, secret)


def _form(workshop: Workshop) -> JoinForm:
    return JoinForm(
        slugs=[vp.slug for vp in workshop.viewpoints],
        choose=participants.assignment(workshop) == "choose",
    )


def _join_form(workshop: Workshop, form: JoinForm, error: str | None = None) -> ResponseReturnValue:
    page = render_template(
        "participant/join.html",
        workshop=workshop,
        viewpoints=workshop.viewpoints,
        anonymous=bool(workshop.settings.get("anonymous", False)),
        assignment=participants.assignment(workshop),
        locked=workshop.joining_locked or workshop.phase == "closed",
        error=error,
        form=form,
    )
    return page, (400 if error or form.errors else 200)


def _closed_but_mine(code: str) -> Workshop | None:
    """A closed workshop this phone took part in (its cookie still identifies it)."""
    for candidate in workshops.find_recent_by_code(get_db(), code):
        if candidate.closed_at is not None and _me(candidate) is not None:
            return candidate
    return None


@bp.get("/j/<code>")
@allow(ANYONE)
def join(code: str) -> ResponseReturnValue:
    """The join link from the QR code: the join form, or the board when already joined.

    Open to anyone; the board (and the page config naming the participant) only ever goes to
    the phone holding this workshop's participant cookie.
    """
    guard.require(guard.WRONG_CODES)
    workshop = _workshop(code) or _closed_but_mine(code)
    if workshop is None:
        return _not_found(code)
    if workshop.join_code != code:
        return redirect(url_for("participant.join", code=workshop.join_code))
    use_workshop_language(workshop.language)
    me = _me(workshop)
    if me is None:
        return _join_form(workshop, _form(workshop))
    viewpoint = next((vp for vp in workshop.viewpoints if vp.id == me.viewpoint_id), None)
    response = make_response(
        render_template(
            "participant/board.html",
            workshop=workshop,
            participant=me,
            viewpoint=viewpoint,
            page_config=page_config(
                "participant",
                workshop.id,
                participant_id=me.id,
                viewpoint_id=me.viewpoint_id,
                join_code=workshop.join_code,
            ),
        )
    )
    # The board is personal: never cache it where another phone could get it.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/j/<code>")
@allow(ANYONE)
def join_submit(code: str) -> ResponseReturnValue:
    """Create the participant and give the phone its secret cookie."""
    guard.require(guard.WRONG_CODES)
    workshop = _workshop(code)
    if workshop is None:
        return _not_found(code)
    use_workshop_language(workshop.language)
    if _me(workshop) is not None:
        return redirect(url_for("participant.join", code=workshop.join_code))
    # A whole room may share one address (venue wifi): generous, but a script cannot flood.
    guard.spend(guard.JOINS)
    form = _form(workshop)
    if not form.validate_on_submit():
        return _join_form(workshop, form)
    db = get_db()
    try:
        _participant, secret, _event = participants.join(
            db, workshop, form.display_name.data, form.viewpoint.data
        )
        db.commit()
    except DomainError as error:
        db.rollback()
        return _join_form(workshop, form, error.as_dict(_)["message"])
    from workshop.realtime.broadcast import Delivery, broadcast

    broadcast(Delivery.of(workshop, _event))
    response = redirect(url_for("participant.join", code=workshop.join_code))
    response.set_cookie(
        participant_cookie_name(workshop.id),
        secret,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=guard.cookie_secure(),
        path="/",
    )
    return response
