"""The facilitator's console: their workshops with links, and creating one from a plan."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, StringField

from workshop import links, plans, retention, workshops
from workshop.errors import NotFound
from workshop.models import Facilitator, Workshop
from workshop.paths import PLANS_DIR
from workshop.plans import PHASES
from workshop.qr import qr_svg
from workshop.web import current_facilitator, get_db, page_config, phase_label, public_url

bp = Blueprint("console", __name__, url_prefix="/console")
F = TypeVar("F", bound=Callable[..., Any])
MAX_PLAN_BYTES = 256 * 1024


def facilitator_required(view: F) -> F:
    """Send anonymous visitors to the login page, then back here."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_facilitator() is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _me() -> Facilitator:
    facilitator = current_facilitator()
    assert facilitator is not None
    return facilitator


def shipped_plans() -> dict[str, plans.Plan]:
    """The valid plans in the sessions folder, by file name."""
    found: dict[str, plans.Plan] = {}
    for path in sorted(Path(PLANS_DIR).glob("*.yaml")):
        try:
            found[path.name] = plans.load_plan_file(path)
        except (plans.PlanError, OSError):
            continue
    return found


class NewWorkshopForm(FlaskForm):  # type: ignore[misc]
    """Pick a shipped plan or upload one."""

    plan_name = RadioField(_l("Session plan"), choices=[], validate_choice=False)
    plan_file = FileField(_l("Plan file (YAML)"))


@bp.get("/")
@facilitator_required
def index() -> ResponseReturnValue:
    """The facilitator's workshops, open ones first."""
    base = public_url("")
    rows = [
        {
            "workshop": workshop,
            "join_url": links.join_url(base, workshop),
            "projector_url": links.projector_url(base, workshop),
        }
        for workshop in workshops.list_for(get_db(), _me())
    ]
    return render_template("console/index.html", rows=rows)


@bp.route("/new", methods=["GET", "POST"])
@facilitator_required
def new() -> ResponseReturnValue:
    """Create a workshop from a shipped or uploaded session plan."""
    available = shipped_plans()
    form = NewWorkshopForm()
    form.plan_name.choices = [(name, plan.title) for name, plan in available.items()]
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.plan_file.data
        if upload and getattr(upload, "filename", ""):
            raw = upload.read(MAX_PLAN_BYTES + 1)
            filename = Path(upload.filename).name
            if len(raw) > MAX_PLAN_BYTES:
                problems.append(_("The plan file is too large (at most 256 KB)."))
                source = ""
            else:
                try:
                    source = raw.decode("utf-8")
                except UnicodeDecodeError:
                    problems.append(_("The plan file is not UTF-8 text."))
                    source = ""
        elif form.plan_name.data in available:
            filename = form.plan_name.data
            source = (Path(PLANS_DIR) / filename).read_text(encoding="utf-8")
        else:
            problems.append(_("Choose a plan or upload one."))
            source = ""
            filename = ""
        if not problems:
            found = plans.check_plan(source, filename)
            problems = [problem.render(_) for problem in found]
        if not problems:
            db = get_db()
            workshop = workshops.create_from_plan(
                db, plans.load_plan(source, filename), _me(), plan_source=source
            )
            db.commit()
            flash(_("Workshop “%(title)s” created.", title=workshop.title), "success")
            return redirect(url_for("console.workshop", workshop_id=workshop.id))
    status = 400 if problems else 200
    return render_template(
        "console/new.html", form=form, problems=problems, available=available
    ), status


def owned_workshop(workshop_id: int) -> Workshop:
    """The signed-in facilitator's workshop, or 404 (also for someone else's)."""
    try:
        return workshops.get_owned(get_db(), workshop_id, _me())
    except NotFound:
        abort(404)


@bp.get("/workshops/<int:workshop_id>")
@facilitator_required
def workshop(workshop_id: int) -> ResponseReturnValue:
    """One workshop: its links, join code and viewpoints."""
    found = owned_workshop(workshop_id)
    base = public_url("")
    join = links.join_url(base, found)
    projector = links.projector_url(base, found)
    return render_template(
        "console/workshop.html",
        workshop=found,
        join_url=join,
        projector_url=projector,
        qr=qr_svg(join, title=_("Join code %(code)s", code=found.join_code)),
        kinds=found.settings.get("kinds", []),
        phases=found.settings.get("phases", {}),
        retention_days=current_app.config["WORKSHOP_RETENTION_DAYS"],
        page_config=page_config(
            "facilitator",
            found.id,
            projector_url=projector,
            join_url=join,
            phases=list(PHASES),
            phase_labels={phase: phase_label(phase) for phase in PHASES},
            planned_minutes=found.settings.get("phases", {}),
        ),
    )


class DeleteWorkshopForm(FlaskForm):  # type: ignore[misc]
    """Deleting needs the join code or the title typed again, so it is never a slip."""

    confirm = StringField(_l("Type the join code or the title to confirm"))


def _confirmed(typed: str, workshop: Workshop) -> bool:
    cleaned = " ".join(typed.split())
    return bool(cleaned) and (
        cleaned.upper() == workshop.join_code.upper()
        or cleaned.casefold() == " ".join(workshop.title.split()).casefold()
    )


@bp.route("/workshops/<int:workshop_id>/delete", methods=["GET", "POST"])
@facilitator_required
def delete(workshop_id: int) -> ResponseReturnValue:
    """Delete the workshop now, with every note, vote, participant and event in it."""
    from workshop.realtime.deletion import notify_deleted

    found = owned_workshop(workshop_id)
    form = DeleteWorkshopForm()
    mismatch = False
    if form.validate_on_submit():
        if _confirmed(form.confirm.data or "", found):
            db = get_db()
            removed = retention.delete_workshop(db, found)
            db.commit()
            notify_deleted(removed.workshop_id, removed.viewpoint_ids)
            flash(_("Workshop “%(title)s” and all its data were deleted.", title=removed.title))
            return redirect(url_for("console.index"))
        mismatch = True
    counts = retention.row_counts(get_db(), found.id)
    return render_template(
        "console/delete.html", workshop=found, form=form, mismatch=mismatch, counts=counts
    ), (400 if mismatch else 200)
