"""Session plans: load YAML, validate it against the schema, report problems with line numbers."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from workshop.i18n_markers import N_
from workshop.plan_schema import (
    LANGUAGES,
    PALETTE,
    PHASES,
    TIMED_PHASES,
    ClusteringPlan,
    KindPlan,
    Loc,
    NotesPlan,
    ParticipantsPlan,
    PhasesPlan,
    Plan,
    ThemePlan,
    ViewpointPlan,
    VotingPlan,
    field_bounds,
    field_choices,
    model_at,
    rule_problems,
    slugify,
)

__all__ = [
    "LANGUAGES",
    "PALETTE",
    "PHASES",
    "TIMED_PHASES",
    "ClusteringPlan",
    "KindPlan",
    "NotesPlan",
    "ParticipantsPlan",
    "PhasesPlan",
    "Plan",
    "PlanError",
    "PlanProblem",
    "ThemePlan",
    "ViewpointPlan",
    "VotingPlan",
    "check_plan",
    "load_plan",
    "load_plan_file",
    "plan_to_yaml",
    "slugify",
]

# Aliases can expand a small file into a huge tree (the "billion laughs"); a plan is never big.
MAX_NODES = 20_000

_BOOL_TAG = "tag:yaml.org,2002:bool"
_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


class _PlanLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans: only true/false, so `language: no` stays the text 'no'."""


_PlanLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_PlanLoader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass(frozen=True)
class PlanProblem:
    """One problem in a plan file, with a translatable message and its params."""

    file: str
    line: int
    message: str
    params: dict[str, object] = field(default_factory=dict)

    def render(self, translate: Callable[[str], str] = lambda s: s) -> str:
        """The problem as `file:line: message`, the message translated by `translate`."""
        params = {
            key: translate(value) if key == "actual" and value in TYPE_NAMES else value
            for key, value in self.params.items()
        }
        return f"{self.file}:{self.line}: " + translate(self.message) % params

    def __str__(self) -> str:
        return self.render()


class PlanError(Exception):
    """A plan that does not validate; `problems` lists every problem found."""

    def __init__(self, problems: list[PlanProblem]) -> None:
        super().__init__("\n".join(p.render() for p in problems))
        self.problems = problems


class _TooBig(Exception):
    pass


class _Converter:
    """Turns a composed YAML node tree into Python data, remembering each node's line."""

    def __init__(self, loader: _PlanLoader, filename: str) -> None:
        self.loader = loader
        self.filename = filename
        self.problems: list[PlanProblem] = []
        # 1-based line per data path: the key's line for mapping entries, else the node's line.
        self.lines: dict[Loc, int] = {}
        # Values refused here are reported once; schema errors about them would only repeat it.
        self.refused: set[Loc] = set()
        self.count = 0

    def problem(self, line: int, message: str, **params: object) -> None:
        self.problems.append(PlanProblem(self.filename, line, message, params))

    def convert(self, node: yaml.Node, path: Loc, active: frozenset[int]) -> object:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig
        self.lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in active:
            self.problem(node.start_mark.line + 1, N_("an alias refers to itself"))
            return None
        active = active | {id(node)}
        if not isinstance(node, yaml.ScalarNode) and node.tag not in _PLAIN_TAGS:
            # An explicit tag such as !!python/object/apply: refuse it, keep checking the rest.
            self.problem(node.start_mark.line + 1, N_("unsupported YAML tag %(tag)s"), tag=node.tag)
            self.refused.add(path)
            return None
        if isinstance(node, yaml.MappingNode):
            result: dict[str, object] = {}
            first_line: dict[str, int] = {}
            for key_node, value_node in node.value:
                line = key_node.start_mark.line + 1
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problem(line, N_("a key must be plain text"))
                    continue
                # The raw text: a key `no:` or `1:` stays a name instead of becoming False or 1.
                key = str(key_node.value)
                if key in first_line:
                    self.problem(
                        line,
                        N_("duplicate key %(key)r (first at line %(first)s)"),
                        key=key,
                        first=first_line[key],
                    )
                    continue
                first_line[key] = line
                self.lines[(*path, key)] = line
                result[key] = self.convert(value_node, (*path, key), active)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, i), active) for i, item in enumerate(node.value)]
        try:
            return self.loader.construct_object(node)
        except ValueError:
            # A timestamp-shaped scalar that is no real date, such as 2015-13-45.
            self.problem(
                node.start_mark.line + 1, N_("%(value)r is not a valid date"), value=node.value
            )
            self.refused.add(path)
            return None
        except yaml.YAMLError:
            self.problem(node.start_mark.line + 1, N_("unsupported YAML tag %(tag)s"), tag=node.tag)
            self.refused.add(path)
            return None


Parsed = tuple[object, dict[Loc, int], list[PlanProblem], set[Loc]]


def _failed(filename: str, line: int, message: str, **params: object) -> Parsed:
    return None, {}, [PlanProblem(filename, line, message, params)], set()


def _parse(text: str, filename: str) -> Parsed:
    loader: _PlanLoader | None = None
    try:
        try:
            loader = _PlanLoader(text)
            node = loader.get_single_node()
        except RecursionError:
            return _failed(filename, 1, N_("the plan is nested too deeply"))
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            detail = " ".join(p for p in (exc.context, exc.problem) if p)
            line = mark.line + 1 if mark is not None else 1
            return _failed(filename, line, N_("YAML syntax error: %(detail)s"), detail=detail)
        except yaml.YAMLError as exc:
            # A reader error (say, a control character) knows its offset, not its line.
            line = text[: getattr(exc, "position", 0)].count("\n") + 1
            return _failed(filename, line, N_("YAML syntax error: %(detail)s"), detail=str(exc))
        if node is None:
            return _failed(filename, 1, N_("the plan is empty"))
        converter = _Converter(loader, filename)
        try:
            data = converter.convert(node, (), frozenset())
        except _TooBig:
            return _failed(filename, 1, N_("the plan is too large"))
        except RecursionError:
            return _failed(filename, 1, N_("the plan is nested too deeply"))
        return data, converter.lines, converter.problems, converter.refused
    finally:
        if loader is not None:
            loader.dispose()


# Type names are params of other messages; they are translated too (see PlanProblem.render).
TYPE_NAMES = frozenset(
    {N_("nothing"), N_("true/false"), N_("a number"), N_("text"), N_("a list"), N_("a mapping")}
)


def _type_name(value: object) -> str:
    if value is None:
        return N_("nothing")
    if isinstance(value, bool):
        return N_("true/false")
    if isinstance(value, int | float):
        return N_("a number")
    if isinstance(value, str):
        return N_("text")
    if isinstance(value, list):
        return N_("a list")
    if isinstance(value, dict):
        return N_("a mapping")
    return type(value).__name__


def _shown(value: object) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


_SIMPLE: dict[str, str] = {
    "string_too_short": N_("%(key)s must not be empty"),
    "string_too_long": N_("%(key)s is too long: %(length)s characters (at most %(max_length)s)"),
    "too_short": N_("%(key)s has too few entries: %(actual_length)s (at least %(min_length)s)"),
    "too_long": N_("%(key)s has %(actual_length)s entries; at most %(max_length)s are allowed"),
    "int_type": N_("%(key)s must be a whole number, not %(value)s"),
    "int_parsing": N_("%(key)s must be a whole number, not %(value)s"),
    "int_from_float": N_("%(key)s must be a whole number, not %(value)s"),
    "bool_type": N_("%(key)s must be true or false, not %(value)s"),
    "bool_parsing": N_("%(key)s must be true or false, not %(value)s"),
    "date_type": N_("%(key)s must be a date like 2015-06-13, not %(value)s"),
    "date_parsing": N_("%(key)s must be a date like 2015-06-13, not %(value)s"),
    "date_from_datetime_parsing": N_("%(key)s must be a date like 2015-06-13, not %(value)s"),
    "date_from_datetime_inexact": N_("%(key)s must be a date like 2015-06-13, not %(value)s"),
    # A number or date where text belongs: quoting it is the fix.
    "string_type": N_("%(key)s must be text, not %(actual)s (put it in quotes)"),
    "list_type": N_("%(key)s must be a list, not %(actual)s"),
    "model_type": N_("%(key)s must be a mapping of keys, not %(actual)s"),
    "model_attributes_type": N_("%(key)s must be a mapping of keys, not %(actual)s"),
    "dict_type": N_("%(key)s must be a mapping of keys, not %(actual)s"),
}


def _describe(error: ErrorDetails, data: object) -> tuple[Loc, str, dict[str, object]]:
    """A pydantic error as (data path, translatable message, params)."""
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    value = error.get("input")
    names = [part for part in loc if isinstance(part, str)]
    key = names[-1] if names else "plan"
    if loc and isinstance(loc[-1], int):
        key = f"{key} #{loc[-1] + 1}"  # an entry of a list: "viewpoints #2"
    if kind == "plan":
        return (*loc, *ctx["subloc"]), ctx["msgid"], dict(ctx["params"])
    if kind == "extra_forbidden":
        model = model_at(loc[:-1])
        allowed = ", ".join(model.model_fields) if model is not None else ""
        return (
            loc,
            N_("unknown key %(key)r (allowed: %(allowed)s)"),
            {"key": key, "allowed": allowed},
        )
    if kind == "missing":
        if loc[:1] == ("viewpoints",) and key == "question" and len(loc) == 3:
            item = _lookup(data, loc[:-1])
            name = item.get("name") if isinstance(item, dict) else None
            shown = name if isinstance(name, str) else f"#{int(loc[1]) + 1}"
            return loc, N_("viewpoint %(name)r has no question"), {"name": shown}
        return loc, N_("missing required key %(key)r"), {"key": key}
    if kind == "literal_error":
        # "voting mode" reads better than "mode" for a nested choice.
        where = " ".join(names)
        allowed = ", ".join(str(v) for v in field_choices(loc))
        message = N_("unknown %(key)s %(value)s (allowed: %(allowed)s)")
        return loc, message, {"key": where, "value": _shown(value), "allowed": allowed}
    if value is None:
        if key == "colour":
            message = N_('colour is empty; quote it: colour: "#0072B2" (a bare # starts a comment)')
            return loc, message, {}
        return loc, N_("%(key)s has no value"), {"key": key}
    if kind in ("greater_than_equal", "less_than_equal"):
        low, high = field_bounds(loc)
        if loc[:1] == ("phases",):
            message = N_("phase %(key)s must last %(min)s to %(max)s minutes, not %(value)s")
        else:
            message = N_("%(key)s must be between %(min)s and %(max)s, not %(value)s")
        return loc, message, {"key": key, "min": low, "max": high, "value": _shown(value)}
    if kind in _SIMPLE:
        params: dict[str, object] = {
            "key": key,
            "value": _shown(value),
            "actual": _type_name(value),
        }
        params.update(ctx)
        if kind == "string_too_long":
            params["length"] = len(str(value))
        return loc, _SIMPLE[kind], params
    return loc, N_("%(key)s: %(detail)s"), {"key": key, "detail": error["msg"]}


def _lookup(data: object, path: Loc) -> object:
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def _line_of(lines: Mapping[Loc, int], path: Loc) -> int:
    """The line of the deepest node that exists along `path`."""
    for end in range(len(path), 0, -1):
        line = lines.get(path[:end])
        if line is not None:
            return line
    return lines.get((), 1)


def _validate(text: str, filename: str) -> tuple[Plan | None, list[PlanProblem]]:
    data, lines, problems, refused = _parse(text, filename)
    if data is None and problems:
        return None, problems
    if not isinstance(data, dict):
        problems.append(
            PlanProblem(
                filename,
                1,
                N_("a plan must be a mapping of keys (title:, viewpoints:, ...), not %(actual)s"),
                {"actual": _type_name(data)},
            )
        )
        return None, problems
    plan: Plan | None = None
    found: list[tuple[Loc, str, dict[str, object]]] = []
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        # Cross-field rules run below on the raw data, so they show even when fields fail.
        found = [_describe(e, data) for e in exc.errors() if e["type"] != "plan_rules"]
    found.extend(rule_problems(data))
    seen: set[tuple[int, str]] = set()
    for loc, message, params in found:
        if any(loc[: len(path)] == path for path in refused):
            continue
        problem = PlanProblem(filename, _line_of(lines, loc), message, params)
        if (problem.line, problem.render()) not in seen:
            seen.add((problem.line, problem.render()))
            problems.append(problem)
    problems.sort(key=lambda p: p.line)
    return (plan if not problems else None), problems


def check_plan(text: str, filename: str = "<plan>") -> list[PlanProblem]:
    """Every problem in the plan text, sorted by line; an empty list when it is valid."""
    return _validate(text, filename)[1]


def load_plan(text: str, filename: str = "<plan>") -> Plan:
    """Parse and validate a plan, raising PlanError with all problems when it is invalid."""
    plan, problems = _validate(text, filename)
    if plan is None:
        raise PlanError(problems)
    return plan


def load_plan_file(path: str | os.PathLike[str]) -> Plan:
    """Load and validate a plan from a UTF-8 YAML file."""
    return load_plan(Path(path).read_text(encoding="utf-8"), os.fspath(path))


def plan_to_yaml(plan: Plan) -> str:
    """The plan as YAML with every default filled in; load_plan reads it back unchanged."""
    data = plan.model_dump(mode="json", exclude_none=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
