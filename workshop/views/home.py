"""Public pages: the home page with the join-code form, and the join link phones open."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from workshop import workshops
from workshop.views import guard
from workshop.web import get_db

bp = Blueprint("home", __name__)


@bp.route("/", methods=["GET"])
def index() -> ResponseReturnValue:
    """Home: type a join code, or log in as facilitator."""
    code = request.args.get("code", "").strip()
    error = None
    if code:
        # Guessing codes: refused while this address is over its limit, right or wrong.
        guard.require(guard.WRONG_CODES)
        found = workshops.find_open_by_code(get_db(), code)
        if found is not None:
            return redirect(url_for("participant.join", code=found.join_code))
        guard.spend(guard.WRONG_CODES)
        error = _(
            "No open workshop has the code %(code)s. Check the code on the screen.", code=code
        )
    return render_template("home/index.html", code=code, error=error), (404 if error else 200)
