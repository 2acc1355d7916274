"""The session-plan schema: pydantic models, defaults and the rules that span several fields."""

from __future__ import annotations

import datetime as dt
import re
import typing
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from workshop.i18n_markers import N_

PHASES: tuple[str, ...] = ("lobby", "brainstorm", "share", "cluster", "vote", "results", "closed")
TIMED_PHASES: tuple[str, ...] = ("brainstorm", "share", "cluster", "vote")
LANGUAGES: tuple[str, ...] = ("nl", "en")

# Okabe–Ito: distinguishable for the common colour-vision deficiencies, so groups stay apart.
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)

DEFAULT_KINDS: dict[str, list[tuple[str, str]]] = {
    "nl": [("risk", "Risico"), ("consequence", "Gevolg")],
    "en": [("risk", "Risk"), ("consequence", "Consequence")],
}

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
COLOUR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
SLUG_MAX = 40

Loc = tuple[str | int, ...]
RuleProblem = tuple[Loc, str, dict[str, object]]

# Strict numbers and booleans: a quoted "15" or a stray "yes" is a typo, not a value to coerce.
StrictInt = Annotated[int, Field(strict=True)]
Minutes = Annotated[int, Field(strict=True, ge=1, le=480)]
Text = Annotated[str, Field(strict=True)]


def slugify(name: str) -> str:
    """Derive a URL-safe slug (lower-case ASCII, hyphens, at most 40 characters) from a name."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if len(slug) > SLUG_MAX:
        slug = slug[:SLUG_MAX]
        # Cut at a word boundary when there is one, so the slug stays readable.
        if "-" in slug:
            slug = slug[: slug.rindex("-")]
        slug = slug.strip("-")
    return slug


def plan_error(message: str, subloc: Loc = (), **params: object) -> PydanticCustomError:
    """A pydantic error that carries a translatable message, its params and a location below."""
    text = message % params
    context = {"msgid": message, "params": params, "subloc": subloc, "text": text}
    return PydanticCustomError("plan", "{text}", context)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ViewpointPlan(_Model):
    """One break-out group: its name, slug, guiding question and colour."""

    name: Annotated[Text, Field(min_length=1, max_length=80)]
    slug: Text = ""
    question: Annotated[Text, Field(min_length=1, max_length=500)]
    colour: Text = ""

    @field_validator("slug")
    @classmethod
    def _check_slug(cls, value: str) -> str:
        if len(value) > SLUG_MAX or not SLUG_RE.match(value):
            raise plan_error(
                N_(
                    "slug %(value)r is not valid (lower-case letters, digits and single hyphens, "
                    "at most %(max)s characters)"
                ),
                value=value,
                max=SLUG_MAX,
            )
        return value

    @field_validator("colour")
    @classmethod
    def _check_colour(cls, value: str) -> str:
        if not COLOUR_RE.match(value):
            raise plan_error(
                N_('colour %(value)r is not a colour like "#0072B2" (# and six hex digits)'),
                value=value,
            )
        return value.upper()

    @model_validator(mode="after")
    def _derive_slug(self) -> Self:
        if not self.slug:
            self.slug = slugify(self.name)
            if not self.slug:
                raise plan_error(
                    N_("cannot make a slug from the name %(name)r; add a slug: line"),
                    ("name",),
                    name=self.name,
                )
        return self


class KindPlan(_Model):
    """A kind of note participants can post, such as a risk or a consequence."""

    key: Annotated[Text, Field(min_length=1, max_length=30)]
    label: Annotated[Text, Field(min_length=1, max_length=40)]

    @field_validator("key")
    @classmethod
    def _check_key(cls, value: str) -> str:
        if not SLUG_RE.match(value):
            raise plan_error(
                N_("kind key %(value)r is not valid (lower-case letters, digits and hyphens)"),
                value=value,
            )
        return value


class PhasesPlan(_Model):
    """Minutes per timed phase."""

    brainstorm: Minutes = 15
    share: Minutes = 10
    cluster: Minutes = 15
    vote: Minutes = 10


class NotesPlan(_Model):
    """How long notes may be and whether groups see each other's notes before sharing."""

    max_length: Annotated[StrictInt, Field(ge=20, le=2000)] = 280
    hidden_until_share: Annotated[bool, Field(strict=True)] = False


class ParticipantsPlan(_Model):
    """How participants end up in a viewpoint group."""

    assignment: Literal["choose", "auto", "facilitator"] = "choose"


class VotingPlan(_Model):
    """Dot voting budget and cap, or risk scoring, or both."""

    mode: Literal["dots", "risk", "both"] = "dots"
    dots_per_participant: Annotated[StrictInt, Field(ge=1, le=50)] = 5
    max_dots_per_item: Annotated[StrictInt, Field(ge=1, le=50)] = 3


class ThemePlan(_Model):
    """A cluster theme prepared in advance, with keywords that suggest notes for it."""

    name: Annotated[Text, Field(min_length=1, max_length=80)]
    keywords: list[Annotated[Text, Field(min_length=1, max_length=80)]] = Field(
        default_factory=list
    )


class ClusteringPlan(_Model):
    """Whether clusters stay within a viewpoint or span the plenary, and prepared themes."""

    scope: Literal["viewpoint", "plenary"] = "viewpoint"
    themes: list[ThemePlan] = Field(default_factory=list)


class Plan(_Model):
    """A whole session plan; after validation every viewpoint has a slug and colour."""

    version: Literal[1] = 1
    title: Annotated[Text, Field(min_length=1, max_length=200)]
    theme: Annotated[Text, Field(max_length=200)] = ""
    intro: Annotated[Text, Field(max_length=5000)] = ""
    date: dt.date | None = None
    place: Annotated[Text, Field(max_length=200)] = ""
    language: Literal["nl", "en"] = "nl"
    anonymous: Annotated[bool, Field(strict=True)] = False
    viewpoints: Annotated[list[ViewpointPlan], Field(min_length=1, max_length=12)]
    # Not validated when absent: filled per plan language in _fill_defaults.
    kinds: Annotated[list[KindPlan], Field(min_length=1, max_length=6)] = Field(
        default_factory=list
    )
    phases: PhasesPlan = Field(default_factory=PhasesPlan)
    notes: NotesPlan = Field(default_factory=NotesPlan)
    participants: ParticipantsPlan = Field(default_factory=ParticipantsPlan)
    voting: VotingPlan = Field(default_factory=VotingPlan)
    clustering: ClusteringPlan = Field(default_factory=ClusteringPlan)

    @model_validator(mode="after")
    def _fill_defaults(self) -> Self:
        for position, viewpoint in enumerate(self.viewpoints):
            if not viewpoint.colour:
                viewpoint.colour = PALETTE[position % len(PALETTE)]
        if not self.kinds:
            self.kinds = [KindPlan(key=k, label=lbl) for k, lbl in DEFAULT_KINDS[self.language]]
        problems = rule_problems(self.model_dump())
        if problems:
            raise PydanticCustomError(
                "plan_rules",
                "{text}",
                {"problems": problems, "text": "; ".join(m % p for _, m, p in problems)},
            )
        return self


def _items(raw: Mapping[str, Any], key: str) -> list[tuple[int, Mapping[str, Any]]]:
    value = raw.get(key)
    if not isinstance(value, Sequence) or isinstance(value, str):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, Mapping)]


def _text(item: Mapping[str, Any], key: str) -> str | None:
    value = item.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


def rule_problems(raw: Mapping[str, Any]) -> list[RuleProblem]:
    """Problems with rules across fields; works on raw, possibly invalid, plan data."""
    problems: list[RuleProblem] = []
    names: set[str] = set()
    slugs: set[str] = set()
    for i, vp in _items(raw, "viewpoints"):
        name = _text(vp, "name")
        if name is not None:
            if name.casefold() in names:
                problems.append(
                    (
                        ("viewpoints", i, "name"),
                        N_("viewpoint name %(name)r is used twice"),
                        {"name": name},
                    )
                )
                continue  # the same name derives the same slug; one problem is enough
            names.add(name.casefold())
        given = _text(vp, "slug")
        slug = given if given is not None else (slugify(name) if name else "")
        if slug and slug in slugs:
            where: Loc = ("viewpoints", i, "slug" if given is not None else "name")
            problems.append(
                (
                    where,
                    N_("viewpoint slug %(slug)r is used twice; give each a distinct slug"),
                    {"slug": slug},
                )
            )
        slugs.add(slug)
    keys: set[str] = set()
    for i, kind in _items(raw, "kinds"):
        key = _text(kind, "key")
        if key is not None:
            if key in keys:
                problems.append(
                    (("kinds", i, "key"), N_("kind key %(key)r is used twice"), {"key": key})
                )
            keys.add(key)
    clustering = raw.get("clustering")
    if isinstance(clustering, Mapping):
        themes: set[str] = set()
        for i, theme in _items(clustering, "themes"):
            name = _text(theme, "name")
            if name is not None:
                if name.casefold() in themes:
                    problems.append(
                        (
                            ("clustering", "themes", i, "name"),
                            N_("theme name %(name)r is used twice"),
                            {"name": name},
                        )
                    )
                themes.add(name.casefold())
    voting = raw.get("voting")
    if isinstance(voting, Mapping):
        budget = voting.get("dots_per_participant", 5)
        cap = voting.get("max_dots_per_item", 3)
        if type(budget) is int and type(cap) is int and cap > budget:
            at = "max_dots_per_item" if "max_dots_per_item" in voting else "dots_per_participant"
            problems.append(
                (
                    ("voting", at),
                    N_(
                        "max_dots_per_item (%(cap)s) must not exceed dots_per_participant "
                        "(%(budget)s)"
                    ),
                    {"cap": cap, "budget": budget},
                )
            )
    return problems


def model_at(path: Loc) -> type[BaseModel] | None:
    """The schema model that validates the mapping at data path `path`, if any."""
    model: type[BaseModel] = Plan
    for part in path:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        if info is None:
            return None
        found = _find_model(info.annotation)
        if found is None:
            return None
        model = found
    return model


def _find_model(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _find_model(arg)
        if found is not None:
            return found
    return None


def field_choices(path: Loc) -> tuple[object, ...]:
    """The allowed values of the Literal field at `path`."""
    model = model_at(path[:-1])
    info = model.model_fields.get(str(path[-1])) if model is not None else None
    return typing.get_args(info.annotation) if info is not None else ()


def field_bounds(path: Loc) -> tuple[object, object]:
    """The (ge, le) bounds of the number field at `path`."""
    model = model_at(path[:-1])
    info = model.model_fields.get(str(path[-1])) if model is not None else None
    low: object = None
    high: object = None
    for meta in info.metadata if info is not None else []:
        low = getattr(meta, "ge", low)
        high = getattr(meta, "le", high)
    return low, high
