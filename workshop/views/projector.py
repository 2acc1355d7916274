"""The projector: view-only, opened by the facilitator or with the display key."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from workshop import links, workshops
from workshop.errors import NotFound
from workshop.models import Workshop
from workshop.qr import qr_svg
from workshop.views.access import DISPLAY_KEY_HERE, FACILITATOR_HERE, WORKSHOP_ID, allow
from workshop.views.forms import ProjectorQuery
from workshop.web import (
    current_facilitator,
    get_db,
    page_config,
    public_url,
    use_workshop_language,
)

bp = Blueprint("projector", __name__, url_prefix="/projector")


def viewable_workshop(workshop_id: int, key: str) -> Workshop:
    """The workshop if the display key matches or its facilitator is logged in; else 404."""
    db = get_db()
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


@bp.get(f"/{WORKSHOP_ID}")
@allow(FACILITATOR_HERE, DISPLAY_KEY_HERE)
def show(workshop_id: int) -> ResponseReturnValue:
    """The wall (or one group's screen): lobby with QR code, then the live notes."""
    query = ProjectorQuery(formdata=request.args)
    if not query.validate():
        abort(404)  # a link we never printed: the same answer as a wrong key
    key = query.key.data or ""
    workshop = viewable_workshop(workshop_id, key)
    use_workshop_language(workshop.language)
    slug = query.viewpoint.data or ""
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
            key=key,
            viewpoint=group.slug if group else None,
            viewpoint_slug=group.slug if group else None,
            join_url=join,
        ),
    )
    return response, 200, {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
