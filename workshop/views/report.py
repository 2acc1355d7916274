"""The session summary for the preparation team: a print-ready page and its downloads.

Facilitator (owner) only. Both speak the workshop's language unless ``?lang=`` asks otherwise;
names appear only with ``?names=1`` and only when the workshop recorded names.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _

from workshop.export import svg, translator
from workshop.export.wording import figures_line, header_facts, minutes, number
from workshop.models import Workshop
from workshop.report import build_report
from workshop.report_people import names_recorded
from workshop.views.access import FACILITATOR_HERE, WORKSHOP_ID, allow
from workshop.views.console import owned_workshop
from workshop.views.forms import ReportOptions
from workshop.web import LANGUAGES, get_db, use_workshop_language

bp = Blueprint("report", __name__, url_prefix="/console")

MIME_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "application/zip",
    "json": "application/json",
}
# What the page offers, in this order: format, its label (translated in the template).
DOWNLOADS = ("docx", "md", "xlsx", "csv", "json")
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _options() -> ReportOptions:
    """The page's and the downloads' options; a value outside them is a link we never made."""
    options = ReportOptions(formdata=request.args)
    if not options.validate():
        message = _(
            "This link asks for an option the report does not have: %(names)s.",
            names=", ".join(sorted(str(name) for name in options.errors)),
        )
        page = render_template("errors/error.html", title=_("That did not work"), message=message)
        abort(make_response(page, 400, PRIVATE))
    return options


def _language(workshop: Workshop, options: ReportOptions) -> str:
    if options.lang.data:
        return str(options.lang.data)
    return workshop.language if workshop.language in LANGUAGES else LANGUAGES[0]


def _include_names(workshop: Workshop, options: ReportOptions) -> bool:
    return options.names.data == "1" and names_recorded(workshop)


@bp.get(f"/workshops/{WORKSHOP_ID}/report")
@allow(FACILITATOR_HERE)
def show(workshop_id: int) -> ResponseReturnValue:
    """The whole summary as one page that prints to a clean A4 document."""
    workshop = owned_workshop(workshop_id)
    use_workshop_language(workshop.language)
    options = _options()
    language = _language(workshop, options)
    names = _include_names(workshop, options)
    # Query arguments the page's links keep: an explicit language, and the names choice.
    kept = {"lang": str(options.lang.data)} if options.lang.data else {}
    with force_locale(language):
        report = build_report(get_db(), workshop, _, include_names=names)
        html = render_template(
            "report/report.html",
            workshop=workshop,
            report=report,
            names=names,
            names_recorded=names_recorded(workshop),
            language=language,
            current_language=language,
            downloads=DOWNLOADS,
            params={**kept, "names": "1"} if names else kept,
            without_names=kept,
            facts=header_facts(report, _),
            ranking_chart=svg.ranking_bars(report),
            matrix=svg.matrix_layout(report),
            figures_line=lambda item: figures_line(item, language, _),
            number=lambda value: number(value, language),
            minutes=lambda seconds: minutes(seconds, language),
        )
    return html, 200, PRIVATE


@bp.get(f"/workshops/{WORKSHOP_ID}/export.<any(md, docx, xlsx, csv, json):fmt>")
@allow(FACILITATOR_HERE)
def download(workshop_id: int, fmt: str) -> ResponseReturnValue:
    """One export file, named after the workshop's title and date."""
    workshop = owned_workshop(workshop_id)
    options = _options()
    names = _include_names(workshop, options)
    # Imported here: python-docx, openpyxl and matplotlib cost a server memory until used.
    from workshop.export import bundle

    content = bundle.render_all(
        get_db(), workshop, [fmt], translator(_language(workshop, options)), include_names=names
    )[fmt]
    filename = bundle.base_name(workshop) + ("-names" if names else "") + bundle.SUFFIXES[fmt]
    response = Response(content, mimetype=MIME_TYPES[fmt])
    response.headers.update(PRIVATE)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
