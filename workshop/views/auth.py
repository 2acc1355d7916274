"""Facilitator login: e-mail and password, or a one-time link; logout."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from workshop import facilitators
from workshop.errors import LoginLinkInvalid
from workshop.views import guard
from workshop.web import current_facilitator, get_db, log_in, log_out

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):  # type: ignore[misc]
    """E-mail and password."""

    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    next = StringField()


def safe_next(target: str | None) -> str:
    """Only same-site paths are followed after login; anything else lands on the console."""
    if not target:
        return url_for("console.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("console.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Show and handle the login form."""
    if current_facilitator() is not None and request.method == "GET":
        return redirect(safe_next(request.args.get("next")))
    if request.method == "POST":
        guard.spend(guard.LOGINS)
    form = LoginForm(next=request.args.get("next", ""))
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
def login_link(token: str) -> ResponseReturnValue:
    """Swap a one-time login link for a cookie session."""
    guard.spend(guard.LOGINS)
    db = get_db()
    try:
        facilitator = facilitators.redeem_login_token(db, token)
    except LoginLinkInvalid as error:
        db.rollback()
        return render_template("auth/link_invalid.html", message=_(error.message)), 400
    db.commit()
    log_in(facilitator)
    flash(_("You are logged in as %(email)s.", email=facilitator.email), "success")
    response = redirect(safe_next(request.args.get("next")))
    # The token is spent; don't let the next page leak it via Referer either.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """End the facilitator's session."""
    log_out()
    flash(_("You are logged out."), "success")
    return redirect(url_for("auth.login"))
