"""Public pages: the home page with the join-code form, and the join link phones open."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from workshop import workshops
from workshop.views import guard
from workshop.views.access import ANYONE, allow
from workshop.views.forms import CodeQuery
from workshop.web import get_db

bp = Blueprint("home", __name__)


@bp.route("/", methods=["GET"])
@allow(ANYONE)
def index() -> ResponseReturnValue:
    """Home: type a join code, or log in as facilitator."""
    form = CodeQuery(formdata=request.args)
    if not form.validate():
        # Not a code anyone could type: say why next to the field, look nothing up.
        code = "" if form.code.errors else str(form.code.data)
        problem = " ".join(str(message) for message in form.code.errors)
        return render_template("home/index.html", code=code, error=problem), 400
    code = (form.code.data or "").strip()
    error: str | None = None
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
