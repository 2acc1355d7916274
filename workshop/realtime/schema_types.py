"""The field types of the realtime payload schemas: ids, numbers, texts, with the domain's limits.

Our own checks raise a pydantic error of type ``denktank`` whose context holds the (English)
msgid and its parameters, so ``schemas.check`` turns it into the domain's translated error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from workshop import clusters, editing, participants, phases, results, validate, vote_items, votes
from workshop.i18n_markers import N_
from workshop.plan_schema import PHASES

# Record ids fit the id columns (32-bit on PostgreSQL); seqs are 64-bit, and JavaScript's
# integers are exact up to 2**53.
MAX_RECORD_ID = validate.MAX_RECORD_ID
MAX_SEQ = 2**53
UUID_RE = re.compile(r"^[0-9A-Fa-f]{8}-(?:[0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}$")
# C0 and C1 control characters; multi-line fields may hold tab, line feed and carriage return.
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CUSTOM = "denktank"  # the error type of our own checks; the message is in its context


def _fail(message: str, **params: Any) -> PydanticCustomError:
    return PydanticCustomError(CUSTOM, message, {"msgid": message, **params})


def _matching(pattern: re.Pattern[str], message: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not pattern.match(value):
            raise _fail(message)
        return value

    return check


def _no_control(multiline: bool) -> Callable[[str], str]:
    pattern = _CONTROL_MULTILINE if multiline else _CONTROL_ONE_LINE

    def check(value: str) -> str:
        if pattern.search(value):
            raise _fail(N_("Control characters are not allowed here."))
        return value

    return check


def _one_of(values: tuple[str, ...]) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in values:
            raise _fail(N_("One of %(expected)s was expected."), expected=", ".join(values))
        return value

    return check


_ONE_LINE = AfterValidator(_no_control(multiline=False))
_MULTILINE = AfterValidator(_no_control(multiline=True))

OpId = Annotated[
    str,
    AfterValidator(_matching(validate.OP_ID_RE, N_("The operation id is missing or malformed."))),
]
Uuid = Annotated[
    str, AfterValidator(_matching(UUID_RE, N_("The note id is missing or malformed.")))
]
RecordId = Annotated[int, Field(ge=1, le=MAX_RECORD_ID)]
Seq = Annotated[int, Field(ge=0, le=MAX_SEQ)]
TimerDuration = Annotated[int, Field(ge=1, le=phases.MAX_TIMER_S)]
TimerDelta = Annotated[int, Field(ge=-phases.MAX_TIMER_ADD_S, le=phases.MAX_TIMER_ADD_S)]
Rating = Annotated[int, Field(ge=votes.RATING_RANGE[0], le=votes.RATING_RANGE[1])]
NoteLength = Annotated[int, Field(ge=editing.NOTE_LENGTH_RANGE[0], le=editing.NOTE_LENGTH_RANGE[1])]
Position = Annotated[float, Field(allow_inf_nan=False)]
PhaseName = Annotated[str, AfterValidator(_one_of(PHASES))]
Assignment = Annotated[str, AfterValidator(_one_of(editing.ASSIGNMENTS))]
TargetType = Annotated[str, AfterValidator(_one_of(vote_items.TARGET_TYPES))]
ResultView = Annotated[str, AfterValidator(_one_of(results.RESULT_VIEWS))]
KindKey = Annotated[
    str,
    Field(max_length=editing.KIND_KEY_LIMIT),
    AfterValidator(
        _matching(
            editing.KEY_RE, N_("A note kind key uses lower-case letters, digits and hyphens.")
        )
    ),
]
Colour = Annotated[
    str,
    AfterValidator(
        _matching(re.compile(r"^(?:#[0-9A-Fa-f]{6})?$"), N_("A colour looks like #0072B2."))
    ),
]
# A workshop's own note limit is at most the ceiling a facilitator may set; the domain checks
# the workshop's limit (on the cleaned text).
NoteText = Annotated[str, Field(min_length=1, max_length=editing.NOTE_LENGTH_RANGE[1]), _MULTILINE]
TypedText = Annotated[str, Field(max_length=editing.NOTE_LENGTH_RANGE[1]), _MULTILINE]
Title = Annotated[str, Field(min_length=1, max_length=editing.TITLE_LIMIT), _ONE_LINE]
Theme = Annotated[str, Field(max_length=editing.THEME_LIMIT), _ONE_LINE]
Intro = Annotated[str, Field(max_length=editing.INTRO_LIMIT), _MULTILINE]
KindLabel = Annotated[str, Field(min_length=1, max_length=editing.KIND_LABEL_LIMIT), _ONE_LINE]
ViewpointName = Annotated[
    str, Field(min_length=1, max_length=editing.VIEWPOINT_NAME_LIMIT), _ONE_LINE
]
Question = Annotated[str, Field(min_length=1, max_length=editing.QUESTION_LIMIT), _MULTILINE]
ClusterTitle = Annotated[str, Field(max_length=clusters.TITLE_LIMIT), _ONE_LINE]
PersonName = Annotated[str, Field(min_length=1, max_length=participants.NAME_LIMIT), _ONE_LINE]
