"""The projector: view-only, opened by the facilitator or with the display key."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from workshop import links, workshops
from workshop.errors import NotFound
from workshop.models import Workshop
from workshop.qr import qr_svg
from workshop.web import (
    current_facilitator,
    get_db,
    page_config,
    public_url,
    use_workshop_language,
)

bp = Blueprint("projector", __name__, url_prefix="/projector")


def viewable_workshop(workshop_id: int) -> Workshop:
    """The workshop if the display key matches or its facilitator is logged in; else 404."""
    db = get_db()
    key = request.args.get("key", "")
    by_key = workshops.find_by_display_token(db, key)
    if by_key is not None and by_key.id == workshop_id:
        return by_key
    facilitator = current_facilitator()
    if facilitator is not None:
        try:
            return workshops.get_owned(db, workshop_id, facilitator)
        except NotFound:
            pass
    abort(404)


@bp.get("/<int:workshop_id>")
def show(workshop_id: int) -> ResponseReturnValue:
    """The wall (or one group's screen): lobby with QR code, then the live notes."""
    workshop = viewable_workshop(workshop_id)
    use_workshop_language(workshop.language)
    slug = request.args.get("viewpoint", "")
    group = next((vp for vp in workshop.viewpoints if vp.slug == slug), None)
    if slug and group is None:
        abort(404)
    join = links.join_url(public_url(""), workshop)
    response = render_template(
        "projector/wall.html",
        workshop=workshop,
        join_url=join,
        join_host=join.split("://", 1)[-1],
        qr=qr_svg(join, title=_("Join code %(code)s", code=workshop.join_code), scale=16),
        group_viewpoint=group,
        page_config=page_config(
            "projector",
            workshop.id,
            key=request.args.get("key", ""),
            viewpoint=group.slug if group else None,
            viewpoint_slug=group.slug if group else None,
            join_url=join,
        ),
    )
    return response, 200, {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
