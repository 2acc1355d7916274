"""One payload schema per Socket.IO event, checked before the domain is called.

Choices (see docs/protocol.md, "Payload schemas"):

- **Strict types**: no ``"5"`` for 5, no ``true`` for 1, no ``1`` for ``true``; numbers are
  finite (no NaN or Infinity, which Python's JSON parser would otherwise accept).
- **Unknown keys are ignored**: they are dropped here and never reach the domain. A phone's
  outbox written by an older page (extra or renamed keys) still applies; refusing them would
  lose what someone typed.
- **Limits are the domain's own constants** (``notes``, ``clusters``, ``editing``, ``phases``,
  ``votes``, ``participants``); the domain still checks everything (defence in depth), also the
  limits that depend on the workshop (its note length limit, its kinds and viewpoints).
- **Text**: no control characters; line breaks and tabs only where the field is multi-line.
- Errors are ``{ok: false, code: "invalid" | "too_long", message, field}``, the message
  translated into the workshop's language by the caller.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from workshop import clusters, editing
from workshop.errors import DomainError, InvalidInput, TooLong
from workshop.i18n_markers import N_
from workshop.realtime import names
from workshop.realtime.schema_types import (
    CUSTOM,
    Assignment,
    ClusterTitle,
    Colour,
    Intro,
    KindKey,
    KindLabel,
    NoteLength,
    NoteText,
    OpId,
    PersonName,
    PhaseName,
    Position,
    Question,
    Rating,
    RecordId,
    ResultView,
    Seq,
    TargetType,
    Theme,
    TimerDelta,
    TimerDuration,
    Title,
    TypedText,
    Uuid,
    ViewpointName,
)


class Payload(BaseModel):
    """Base of every schema: strict types, finite numbers, unknown keys dropped."""

    model_config = ConfigDict(strict=True, extra="ignore", allow_inf_nan=False, frozen=True)


class Command(Payload):
    """Every command carries its client operation id."""

    op_id: OpId


class NoteRef(Command):
    """note:delete, note:hide, note:restore."""

    note_id: Uuid


class NoteAdd(Command):
    """note:add (``viewpoint_id``: the facilitator's proxy note)."""

    note_id: Uuid
    kind: KindKey
    text: NoteText
    viewpoint_id: RecordId | None = None


class NoteEdit(Command):
    """note:edit."""

    note_id: Uuid
    text: NoteText
    kind: KindKey | None = None


class NoteEndorse(Command):
    """note:endorse."""

    note_id: Uuid
    endorsed: bool


class PhaseSet(Command):
    """phase:set."""

    phase: PhaseName


class TimerStart(Command):
    """timer:start (no duration: the plan's, or resume)."""

    duration_s: TimerDuration | None = None


class TimerAdd(Command):
    """timer:add."""

    seconds: TimerDelta


class JoiningSet(Command):
    """joining:set."""

    locked: bool


class SpotlightSet(Command):
    """spotlight:set (null: no spotlight)."""

    viewpoint_id: RecordId | None = None


class ParticipantMove(Command):
    """participant:move (viewpoint null: unassigned)."""

    participant_id: RecordId
    viewpoint_id: RecordId | None = None


class ParticipantRef(Command):
    """participant:remove_notes."""

    participant_id: RecordId


class Kind(Payload):
    """One note kind in workshop:update."""

    key: KindKey
    label: KindLabel


class ViewpointEdit(Payload):
    """One viewpoint in workshop:update (id null: a new one)."""

    id: RecordId | None = None
    name: ViewpointName
    question: Question
    colour: Colour | None = None


class WorkshopUpdate(Command):
    """workshop:update: only the keys that are present change."""

    title: Title | None = None
    theme: Theme | None = None
    intro: Intro | None = None
    anonymous: bool | None = None
    hidden_until_share: bool | None = None
    note_max_length: NoteLength | None = None
    assignment: Assignment | None = None
    kinds: Annotated[list[Kind], Field(min_length=1, max_length=editing.MAX_KINDS)] | None = None
    viewpoints: (
        Annotated[list[ViewpointEdit], Field(min_length=1, max_length=editing.MAX_VIEWPOINTS)]
        | None
    ) = None


NoteIds = Annotated[list[Uuid], Field(min_length=1, max_length=clusters.MAX_NOTES_PER_COMMAND)]


class ClusterCreate(Command):
    """cluster:create (an old id revives that cluster: undo)."""

    cluster_id: Uuid
    title: ClusterTitle | None = None
    note_ids: NoteIds
    position: Position | None = None


class ClusterRename(Command):
    """cluster:rename."""

    cluster_id: Uuid
    title: ClusterTitle | None = None


class Move(Payload):
    """One note's new place: a cluster (or none) and a position (or the end)."""

    note_id: Uuid
    cluster_id: Uuid | None = None
    position: Position | None = None


class NotesMove(Command):
    """notes:move."""

    moves: Annotated[list[Move], Field(min_length=1, max_length=clusters.MAX_NOTES_PER_COMMAND)]


class ClusterMerge(Command):
    """cluster:merge (the source's notes go to the target)."""

    cluster_id: Uuid
    source_id: Uuid


class ClusterRef(Command):
    """cluster:dissolve."""

    cluster_id: Uuid


class ClustersReorder(Command):
    """clusters:reorder."""

    order: Annotated[list[Uuid], Field(min_length=1, max_length=clusters.MAX_REORDER)]


class Dot(Command):
    """vote:add, vote:remove (``participant_id``: a proxy, for the facilitator)."""

    target_type: TargetType
    target_id: Uuid
    participant_id: RecordId | None = None


class RiskScore(Dot):
    """risk:score (both null: remove the rating)."""

    likelihood: Rating | None = None
    impact: Rating | None = None


class ProxyAdd(Command):
    """proxy:add."""

    display_name: PersonName
    viewpoint_id: RecordId


class ResultsReveal(Command):
    """results:reveal."""

    revealed: bool
    view: ResultView | None = None


class Sync(Payload):
    """sync: the last seq the client applied (0: send a snapshot)."""

    last_seq: Seq = 0


class Similar(Payload):
    """note:similar: what the phone is typing."""

    text: TypedText = ""


class Nothing(Payload):
    """Requests without parameters (clusters:suggest, results:get)."""


SCHEMAS: dict[str, type[Payload]] = {
    names.NOTE_ADD: NoteAdd,
    names.NOTE_EDIT: NoteEdit,
    names.NOTE_DELETE: NoteRef,
    names.NOTE_HIDE: NoteRef,
    names.NOTE_RESTORE: NoteRef,
    names.NOTE_ENDORSE: NoteEndorse,
    names.PHASE_SET: PhaseSet,
    names.TIMER_START: TimerStart,
    names.TIMER_PAUSE: Command,
    names.TIMER_ADD: TimerAdd,
    names.TIMER_RESET: Command,
    names.JOINING_SET: JoiningSet,
    names.SPOTLIGHT_SET: SpotlightSet,
    names.PARTICIPANT_MOVE: ParticipantMove,
    names.PARTICIPANT_NOTES_REMOVE: ParticipantRef,
    names.WORKSHOP_UPDATE: WorkshopUpdate,
    names.CLUSTER_CREATE: ClusterCreate,
    names.CLUSTER_RENAME: ClusterRename,
    names.NOTES_MOVE: NotesMove,
    names.CLUSTER_MERGE: ClusterMerge,
    names.CLUSTER_DISSOLVE: ClusterRef,
    names.CLUSTERS_REORDER: ClustersReorder,
    names.VOTE_ADD: Dot,
    names.VOTE_REMOVE: Dot,
    names.RISK_SCORE: RiskScore,
    names.PROXY_ADD: ProxyAdd,
    names.RESULTS_REVEAL: ResultsReveal,
    names.SYNC: Sync,
    names.NOTE_SIMILAR: Similar,
    names.CLUSTERS_SUGGEST: Nothing,
    names.RESULTS_GET: Nothing,
}


class PayloadError(DomainError):
    """A payload that does not fit its event's schema; ``field`` says where: ``moves.2.note_id``."""

    def __init__(self, error: DomainError, field: str | None) -> None:
        self.code = error.code
        self.status = error.status
        self.field = field
        super().__init__(error.message, **error.params)

    def as_dict(self, translate: Any = None) -> dict[str, Any]:
        """The structured error, with the field when there is one."""
        answer = super().as_dict(translate)
        if self.field:
            answer["field"] = self.field
        return answer


def check(name: str, payload: Any) -> dict[str, Any]:
    """The payload of event ``name``, validated: only the keys the client set (unknown ones
    dropped), or ``PayloadError``. A request without an argument counts as ``{}``."""
    schema = SCHEMAS[name]
    if payload is None and not issubclass(schema, Command):
        payload = {}
    if not isinstance(payload, dict):
        raise PayloadError(InvalidInput(N_("An object was expected.")), None)
    try:
        model = schema.model_validate(payload)
    except ValidationError as failure:
        raise _first(failure) from None
    return model.model_dump(exclude_unset=True)


# pydantic's error types → (msgid, the context key that fills %(limit)s), for the common ones.
_MESSAGES: dict[str, tuple[str, str | None]] = {
    "missing": (N_("Something required is missing."), None),
    "string_type": (N_("Text was expected."), None),
    "string_too_short": (N_("Please type something first."), None),
    "int_type": (N_("A whole number was expected."), None),
    "greater_than_equal": (N_("At least %(limit)s was expected."), "ge"),
    "less_than_equal": (N_("At most %(limit)s was expected."), "le"),
    "bool_type": (N_("true or false was expected."), None),
    "float_type": (N_("A number was expected."), None),
    "finite_number": (N_("A number was expected."), None),
    "list_type": (N_("A list was expected."), None),
    "too_short": (N_("Too few items: at least %(limit)s."), "min_length"),
    "too_long": (N_("Too many items: at most %(limit)s."), "max_length"),
    "model_type": (N_("An object was expected."), None),
    "model_attributes_type": (N_("An object was expected."), None),
    "dict_type": (N_("An object was expected."), None),
}


def _first(failure: ValidationError) -> PayloadError:
    """The first problem, as the domain's error (so codes and messages match the domain's)."""
    error = failure.errors(include_url=False)[0]
    field = ".".join(str(part) for part in error["loc"]) or None
    kind, context = error["type"], error.get("ctx") or {}
    if field == "op_id":
        return PayloadError(InvalidInput(N_("The operation id is missing or malformed.")), field)
    if kind == CUSTOM:
        params = {key: value for key, value in context.items() if key != "msgid"}
        return PayloadError(InvalidInput(context["msgid"], **params), field)
    if kind == "string_too_long":
        return PayloadError(TooLong(limit=int(context["max_length"])), field)
    message, key = _MESSAGES.get(kind, (InvalidInput.message, None))
    if key is not None and key in context:
        return PayloadError(InvalidInput(message, limit=context[key]), field)
    return PayloadError(InvalidInput(message), field)
