"""Facilitator login: e-mail and password, or a one-time link; logout."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from workshop import facilitators
from workshop.errors import LoginLinkInvalid
from workshop.views import guard
from workshop.views.access import ANYONE, allow
from workshop.views.forms import LoginForm, LoginQuery, LogoutForm, login_token_shape
from workshop.web import current_facilitator, get_db, log_in, log_out

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Where to go after login: ``target`` if it is a same-site path, else the console."""
    return target or url_for("console.index")


def _next_from_query() -> str:
    return str(LoginQuery(formdata=request.args).next.data or "")


@bp.route("/login", methods=["GET", "POST"])
@allow(ANYONE)
def login() -> ResponseReturnValue:
    """Show and handle the login form."""
    if current_facilitator() is not None and request.method == "GET":
        return redirect(safe_next(_next_from_query()))
    if request.method == "POST":
        guard.spend(guard.LOGINS)
    form = LoginForm(next=_next_from_query())
    if form.validate_on_submit():
        db = get_db()
        facilitator = facilitators.authenticate(db, form.email.data, form.password.data)
        if facilitator is not None:
            db.commit()
            log_in(facilitator)
            return redirect(safe_next(form.next.data))
        form.password.errors.append(_("That e-mail address and password do not match."))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.get("/login/<token>")
@allow(ANYONE)
def login_link(token: str) -> ResponseReturnValue:
    """Swap a one-time login link for a cookie session."""
    guard.spend(guard.LOGINS)
    db = get_db()
    try:
        if not login_token_shape(token):
            raise LoginLinkInvalid()
        facilitator = facilitators.redeem_login_token(db, token)
    except LoginLinkInvalid as error:
        db.rollback()
        return render_template("auth/link_invalid.html", message=_(error.message)), 400
    db.commit()
    log_in(facilitator)
    flash(_("You are logged in as %(email)s.", email=facilitator.email), "success")
    response = redirect(safe_next(_next_from_query()))
    # The token is spent; don't let the next page leak it via Referer either.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.post("/logout")
@allow(ANYONE)
def logout() -> ResponseReturnValue:
    """End the facilitator's session (anyone may end their own; without one it is a no-op)."""
    if LogoutForm().validate_on_submit():
        log_out()
        flash(_("You are logged out."), "success")
    return redirect(url_for("auth.login"))
