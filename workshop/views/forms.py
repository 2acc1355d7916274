"""One WTForms schema per form and per set of query parameters the HTTP views accept.

Every text field has a length limit and refuses control characters (nothing a keyboard types;
a script may send them); choices are enums. Messages are our own msgids, so they are translated
with the rest of the app (WTForms' built-in English ones are never shown). A form that does not
validate changes nothing: the views act only on ``validate()``/``validate_on_submit()``.
Query parameters are read with ``formdata=request.args`` and no CSRF token.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import EmailField, Form, PasswordField, RadioField, StringField
from wtforms.validators import AnyOf, DataRequired, Length, Optional, ValidationError

from workshop.participants import NAME_LIMIT
from workshop.web import LANGUAGES

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
EMAIL_LIMIT = 254
PASSWORD_LIMIT = 200
NEXT_LIMIT = 2000
CONFIRM_LIMIT = 300
CODE_LIMIT = 32
KEY_LIMIT = 128
SLUG_LIMIT = 64
FILENAME_LIMIT = 200
LOGIN_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


def limit(maximum: int) -> Length:
    """At most ``maximum`` characters, said in the page's language."""
    return Length(max=maximum, message=_l("At most %(max)d characters, please."))


class Printable:
    """No control characters (C0, DEL, C1): no keyboard types them, screens misrender them."""

    def __call__(self, _form: Any, field: Any) -> None:
        if isinstance(field.data, str) and CONTROL.search(field.data):
            raise ValidationError(_l("This contains invisible control characters."))


def printable(value: object) -> bool:
    """Whether a path or query value has no control characters."""
    return isinstance(value, str) and not CONTROL.search(value)


def safe_path(target: object) -> str:
    """A same-site path to go to after login, or "" (anything else lands on the console)."""
    if not isinstance(target, str) or not target or len(target) > NEXT_LIMIT:
        return ""
    if not printable(target) or "\\" in target:
        return ""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return ""
    return target


def login_token_shape(token: str) -> bool:
    """Whether a one-time login link's token looks like one we issue (URL-safe, not huge)."""
    return bool(LOGIN_TOKEN.match(token))


class _TextOnly:
    """Text or nothing: a file sent where text belongs is refused, not passed on."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and not isinstance(valuelist[0], str):
            raise ValueError(_l("Text was expected."))
        super().process_formdata(valuelist)  # type: ignore[misc]


class Text(_TextOnly, StringField):  # type: ignore[misc]
    """A one-line text field."""


class Email(_TextOnly, EmailField):  # type: ignore[misc]
    """An e-mail address field."""


class Password(_TextOnly, PasswordField):  # type: ignore[misc]
    """A password field."""


REQUIRED = _l("Please fill this in.")
UNKNOWN = _l("This value is not one of the choices.")


class LoginForm(FlaskForm):  # type: ignore[misc]
    """E-mail and password; ``next`` is where to go after (only same-site paths are kept)."""

    email = Email(
        _l("E-mail address"),
        validators=[DataRequired(message=REQUIRED), limit(EMAIL_LIMIT), Printable()],
    )
    password = Password(
        _l("Password"),
        validators=[DataRequired(message=REQUIRED), limit(PASSWORD_LIMIT), Printable()],
    )
    next = StringField(filters=[safe_path])


class LoginQuery(Form):  # type: ignore[misc]
    """``?next=`` on the login page and on a login link."""

    next = StringField(filters=[safe_path])


class LogoutForm(FlaskForm):  # type: ignore[misc]
    """Logging out takes no input: the CSRF token only."""


class CodeQuery(Form):  # type: ignore[misc]
    """``?code=`` typed on the home page."""

    code = Text(_l("Join code"), validators=[Optional(), limit(CODE_LIMIT), Printable()])


class JoinForm(FlaskForm):  # type: ignore[misc]
    """A phone joining: an optional name and, when people choose, their group."""

    display_name = Text(
        _l("Your name (optional)"), validators=[Optional(), limit(NAME_LIMIT), Printable()]
    )
    viewpoint = RadioField(choices=[], validate_choice=False)

    def __init__(self, *args: Any, slugs: list[str], choose: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._slugs, self._choose = slugs, choose

    def validate_viewpoint(self, field: Any) -> None:
        """A viewpoint of this workshop, required when people choose their group."""
        if self._choose and field.data not in self._slugs:
            raise ValidationError(_l("Choose your group."))


class NewWorkshopForm(FlaskForm):  # type: ignore[misc]
    """Pick a shipped plan (enum of the sessions folder) or upload a YAML file."""

    plan_name = RadioField(_l("Session plan"), choices=[], validate_choice=False)
    plan_file = FileField(_l("Plan file (YAML)"))

    def validate_plan_name(self, field: Any) -> None:
        """One of the shipped plans, or nothing when a file is uploaded."""
        if self.plan_file.data is not None:
            return
        names = [name for name, _label in self.plan_name.choices or []]
        if field.data not in names:
            raise ValidationError(_l("Choose a plan or upload one."))

    def validate_plan_file(self, field: Any) -> None:
        """A file name of sane length with no control characters."""
        upload = field.data
        if upload is None:
            return
        name = upload.filename or ""
        if len(name) > FILENAME_LIMIT or not printable(name):
            raise ValidationError(_l("The file name is too long or has control characters."))


class DeleteWorkshopForm(FlaskForm):  # type: ignore[misc]
    """Deleting needs the join code or the title typed again, so it is never a slip."""

    confirm = Text(
        _l("Type the join code or the title to confirm"),
        validators=[DataRequired(message=REQUIRED), limit(CONFIRM_LIMIT), Printable()],
    )


class ReportOptions(Form):  # type: ignore[misc]
    """``?lang=`` and ``?names=`` of the report page and its downloads."""

    lang = Text(validators=[Optional(), AnyOf(LANGUAGES, message=UNKNOWN)])
    names = Text(validators=[Optional(), AnyOf(("0", "1"), message=UNKNOWN)])


class ProjectorQuery(Form):  # type: ignore[misc]
    """``?key=`` (the display link's secret) and ``?viewpoint=`` (one group's screen)."""

    key = Text(validators=[Optional(), limit(KEY_LIMIT), Printable()])
    viewpoint = Text(validators=[Optional(), limit(SLUG_LIMIT), Printable()])
