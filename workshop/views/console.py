"""The facilitator's console: their workshops with links, and creating one from a plan."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from workshop import links, plans, retention, workshops
from workshop.errors import NotFound
from workshop.models import Facilitator, Workshop
from workshop.paths import PLANS_DIR
from workshop.plans import PHASES
from workshop.qr import qr_svg
from workshop.views.access import FACILITATOR, FACILITATOR_HERE, WORKSHOP_ID, allow
from workshop.views.forms import DeleteWorkshopForm, NewWorkshopForm
from workshop.web import current_facilitator, get_db, page_config, phase_label, public_url

bp = Blueprint("console", __name__, url_prefix="/console")
MAX_PLAN_BYTES = 256 * 1024


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


@bp.get("/")
@allow(FACILITATOR)
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
@allow(FACILITATOR)
def new() -> ResponseReturnValue:
    """Create a workshop from a shipped or uploaded session plan."""
    available = shipped_plans()
    form = NewWorkshopForm()
    form.plan_name.choices = [(name, plan.title) for name, plan in available.items()]
    problems: list[str] = []
    if form.validate_on_submit():
        filename, source = _plan_source(form)
        if source is not None:
            problems = [problem.render(_) for problem in plans.check_plan(source, filename)]
        if source is not None and not problems:
            db = get_db()
            workshop = workshops.create_from_plan(
                db, plans.load_plan(source, filename), _me(), plan_source=source
            )
            db.commit()
            flash(_("Workshop “%(title)s” created.", title=workshop.title), "success")
            return redirect(url_for("console.workshop", workshop_id=workshop.id))
    status = 400 if problems or form.errors else 200
    return render_template(
        "console/new.html", form=form, problems=problems, available=available
    ), status


def _plan_source(form: NewWorkshopForm) -> tuple[str, str | None]:
    """The chosen plan's file name and text; None (with the error on its field) if unreadable."""
    upload = form.plan_file.data
    if upload is None:
        filename = str(form.plan_name.data)
        return filename, (Path(PLANS_DIR) / filename).read_text(encoding="utf-8")
    raw = upload.read(MAX_PLAN_BYTES + 1)
    filename = Path(upload.filename or "").name
    if len(raw) > MAX_PLAN_BYTES:
        form.plan_file.errors.append(_("The plan file is too large (at most 256 KB)."))
        return filename, None
    try:
        return filename, raw.decode("utf-8")
    except UnicodeDecodeError:
        form.plan_file.errors.append(_("The plan file is not UTF-8 text."))
        return filename, None


def owned_workshop(workshop_id: int) -> Workshop:
    """The signed-in facilitator's workshop, or 404 (also for someone else's)."""
    try:
        return workshops.get_owned(get_db(), workshop_id, _me())
    except NotFound:
        abort(404)


@bp.get(f"/workshops/{WORKSHOP_ID}")
@allow(FACILITATOR_HERE)
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


def _confirmed(typed: str, workshop: Workshop) -> bool:
    cleaned = " ".join(typed.split())
    return bool(cleaned) and (
        cleaned.upper() == workshop.join_code.upper()
        or cleaned.casefold() == " ".join(workshop.title.split()).casefold()
    )


@bp.route(f"/workshops/{WORKSHOP_ID}/delete", methods=["GET", "POST"])
@allow(FACILITATOR_HERE)
def delete(workshop_id: int) -> ResponseReturnValue:
    """Delete the workshop now, with every note, vote, participant and event in it."""
    from workshop.realtime.deletion import notify_deleted

    found = owned_workshop(workshop_id)
    form = DeleteWorkshopForm()
    if form.validate_on_submit():
        if _confirmed(form.confirm.data, found):
            db = get_db()
            removed = retention.delete_workshop(db, found)
            db.commit()
            notify_deleted(removed.workshop_id, removed.viewpoint_ids)
            flash(_("Workshop “%(title)s” and all its data were deleted.", title=removed.title))
            return redirect(url_for("console.index"))
        form.confirm.errors.append(
            _("That is neither the join code nor the title. Nothing was deleted.")
        )
    counts = retention.row_counts(get_db(), found.id)
    return render_template("console/delete.html", workshop=found, form=form, counts=counts), (
        400 if form.errors else 200
    )
