"""Session plans: the shipped plans, defaults, and problems reported with their line numbers."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest

from workshop.plans import (
    PHASES,
    TIMED_PHASES,
    Plan,
    PlanError,
    PlanProblem,
    check_plan,
    load_plan,
    load_plan_file,
    plan_to_yaml,
    slugify,
)

ROOT = Path(__file__).resolve().parents[2]
SESSIONS = ROOT / "sessions"
SHIPPED = sorted(SESSIONS.glob("*.yaml"))

MINIMAL = """\
title: Minimal
viewpoints:
  - name: Gemeenten
    question: Wat zijn de gevolgen?
"""


def test_shipped_plans_exist() -> None:
    names = {path.name for path in SHIPPED}
    assert "denktank-cloudstrategie.yaml" in names
    assert len(SHIPPED) >= 2


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_plan_is_valid_and_round_trips(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert check_plan(text, path.name) == []
    plan = load_plan_file(path)
    assert load_plan(plan_to_yaml(plan)) == plan


def test_seed_plan_reproduces_the_meeting() -> None:
    plan = load_plan_file(SESSIONS / "denktank-cloudstrategie.yaml")
    assert plan.title == "Cloudstrategie voor gemeenten"
    assert plan.language == "nl"
    assert plan.date == dt.date(2015, 6, 13)
    assert plan.place == "Het Kontakt der Kontinenten, Soesterberg"
    assert "Henri Rauch" in plan.intro
    assert [v.slug for v in plan.viewpoints] == ["gemeenten", "shared-service", "leveranciers"]
    assert [v.name for v in plan.viewpoints] == [
        "Gemeenten",
        "Shared Service Organisatie (in eigendom van gemeenten)",
        "Leveranciers",
    ]
    assert [v.question for v in plan.viewpoints] == [
        "Wat zijn de gevolgen hiervan (ook risico’s), gezien vanuit het gezichtspunt van "
        "Gemeenten?",
        "Wat zijn de gevolgen (ook risico’s), gezien vanuit het gezichtspunt van een Shared "
        "Service Organisatie (in eigendom van gemeenten)?",
        "Wat zijn de gevolgen (ook risico’s), gezien vanuit het gezichtspunt van Leveranciers?",
    ]
    assert [(k.key, k.label) for k in plan.kinds] == [("risk", "Risico"), ("consequence", "Gevolg")]
    assert plan.voting.mode == "dots"


def test_seed_plan_slugs_match_demo_notes() -> None:
    csv = ROOT.parent / "shared" / "data" / "demo-notes.csv"
    if not csv.exists():
        pytest.skip("shared demo data not beside the checkout")
    plan = load_plan_file(SESSIONS / "denktank-cloudstrategie.yaml")
    rows = csv.read_text(encoding="utf-8").splitlines()[1:]
    used = {row.split(",")[1] for row in rows if row}
    assert used <= {v.slug for v in plan.viewpoints}
    clusters = {row.rsplit(",", 1)[1] for row in rows if row}
    assert clusters <= {t.name.casefold() for t in plan.clustering.themes}


def test_second_plan_has_a_different_shape() -> None:
    plan = load_plan_file(SESSIONS / "retro-remote-work-en.yaml")
    assert plan.language == "en"
    assert plan.anonymous is True
    assert len(plan.viewpoints) == 2
    assert {k.key for k in plan.kinds} == {"opportunity", "risk"}
    assert plan.voting.mode == "risk"
    assert plan.participants.assignment == "auto"


def test_defaults_are_applied() -> None:
    plan = load_plan(MINIMAL)
    assert plan.version == 1
    assert (plan.theme, plan.intro, plan.place, plan.date) == ("", "", "", None)
    assert plan.language == "nl"
    assert plan.anonymous is False
    assert plan.viewpoints[0].slug == "gemeenten"
    assert plan.viewpoints[0].colour == "#0072B2"
    assert [(k.key, k.label) for k in plan.kinds] == [("risk", "Risico"), ("consequence", "Gevolg")]
    assert plan.phases.model_dump() == {"brainstorm": 15, "share": 10, "cluster": 15, "vote": 10}
    assert (plan.notes.max_length, plan.notes.hidden_until_share) == (280, False)
    assert plan.participants.assignment == "choose"
    assert (plan.voting.mode, plan.voting.dots_per_participant) == ("dots", 5)
    assert plan.voting.max_dots_per_item == 3
    assert (plan.clustering.scope, plan.clustering.themes) == ("viewpoint", [])


def test_english_default_kinds_and_palette_cycle() -> None:
    viewpoints = "".join(f"  - name: Group {i}\n    question: Why {i}?\n" for i in range(10))
    plan = load_plan(f"title: T\nlanguage: en\nviewpoints:\n{viewpoints}")
    assert [k.label for k in plan.kinds] == ["Risk", "Consequence"]
    colours = [v.colour for v in plan.viewpoints]
    assert colours[:3] == ["#0072B2", "#E69F00", "#009E73"]
    assert colours[8:] == colours[:2]
    assert plan.viewpoints[9].slug == "group-9"


def test_date_as_string_or_date() -> None:
    assert load_plan(MINIMAL + "date: 2015-06-13\n").date == dt.date(2015, 6, 13)
    assert load_plan(MINIMAL + "date: '2015-06-13'\n").date == dt.date(2015, 6, 13)


def test_colour_is_normalised_to_upper_case() -> None:
    plan = load_plan(MINIMAL + '    colour: "#abcdef"\n')
    assert plan.viewpoints[0].colour == "#ABCDEF"


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Gemeenten", "gemeenten"),
        ("Shared Service Organisatie", "shared-service-organisatie"),
        ("  Café — Überleg! ", "cafe-uberleg"),
        (
            "Shared Service Organisatie (in eigendom van gemeenten)",
            "shared-service-organisatie-in-eigendom",
        ),
        ("x" * 50, "x" * 40),
        ("!!!", ""),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug
    assert len(slug) <= 40


def test_phase_constants() -> None:
    assert PHASES[0] == "lobby" and PHASES[-1] == "closed"
    assert set(TIMED_PHASES) <= set(PHASES)


def _vp(extra: str = "") -> str:
    return "viewpoints:\n  - name: A\n    question: Q?\n" + extra


BAD_PLANS: list[tuple[str, str, int, str]] = [
    ("unknown top-level key", "title: T\ncolour_x: 1\n" + _vp(), 2, "unknown key 'colour_x'"),
    (
        "unknown nested key",
        "title: T\n" + _vp("    colour_x: '#000000'\n"),
        5,
        "unknown key 'colour_x' (allowed: name, slug, question, colour)",
    ),
    (
        "unknown key in phases",
        "title: T\n" + _vp() + "phases:\n  brainstrom: 5\n",
        6,
        "unknown key 'brainstrom'",
    ),
    (
        "missing viewpoint question",
        "title: T\nviewpoints:\n  - name: A\n    question: Q?\n  - name: Leveranciers\n",
        5,
        "viewpoint 'Leveranciers' has no question",
    ),
    ("missing title", "theme: x\n" + _vp(), 1, "missing required key 'title'"),
    (
        "duplicate viewpoint name",
        "title: T\n" + _vp("  - name: a\n    question: Q2?\n"),
        5,
        "viewpoint name 'a' is used twice",
    ),
    (
        "duplicate viewpoint slug",
        "title: T\n" + _vp("  - name: B\n    slug: a\n    question: Q2?\n"),
        6,
        "viewpoint slug 'a' is used twice",
    ),
    (
        "derived slugs collide",
        "title: T\n" + _vp("  - name: 'A!'\n    question: Q2?\n"),
        5,
        "viewpoint slug 'a' is used twice",
    ),
    (
        "negative duration",
        "title: T\n" + _vp() + "phases:\n  brainstorm: -5\n",
        6,
        "phase brainstorm must last 1 to 480 minutes, not -5",
    ),
    (
        "zero duration",
        "title: T\n" + _vp() + "phases:\n  share: 0\n",
        6,
        "phase share must last 1 to 480 minutes, not 0",
    ),
    (
        "duration too long",
        "title: T\n" + _vp() + "phases:\n  vote: 481\n",
        6,
        "phase vote must last 1 to 480 minutes, not 481",
    ),
    (
        "duration not a number",
        "title: T\n" + _vp() + "phases:\n  cluster: fifteen\n",
        6,
        "cluster must be a whole number, not 'fifteen'",
    ),
    (
        "fractional duration",
        "title: T\n" + _vp() + "phases:\n  cluster: 7.5\n",
        6,
        "cluster must be a whole number, not 7.5",
    ),
    (
        "bad colour",
        "title: T\n" + _vp("    colour: 'blue'\n"),
        5,
        "colour 'blue' is not a colour like \"#0072B2\"",
    ),
    (
        "unquoted colour is a comment",
        "title: T\n" + _vp("    colour: #0072B2\n"),
        5,
        "colour is empty; quote it",
    ),
    ("unknown language", "title: T\nlanguage: de\n" + _vp(), 2, "unknown language 'de'"),
    (
        "yaml 1.1 boolean 'no' is not a language",
        "title: T\nlanguage: no\n" + _vp(),
        2,
        "unknown language 'no' (allowed: nl, en)",
    ),
    (
        "unknown voting mode",
        "title: T\n" + _vp() + "voting:\n  mode: approval\n",
        6,
        "unknown voting mode 'approval' (allowed: dots, risk, both)",
    ),
    (
        "cap above budget",
        "title: T\n" + _vp() + "voting:\n  dots_per_participant: 2\n  max_dots_per_item: 4\n",
        7,
        "max_dots_per_item (4) must not exceed dots_per_participant (2)",
    ),
    (
        "budget below default cap",
        "title: T\n" + _vp() + "voting:\n  dots_per_participant: 2\n",
        6,
        "max_dots_per_item (3) must not exceed dots_per_participant (2)",
    ),
    (
        "empty viewpoints list",
        "title: T\nviewpoints: []\n",
        2,
        "viewpoints has too few entries: 0 (at least 1)",
    ),
    ("yaml syntax error", "title: T\nviewpoints: [\n  - name: A\n", 3, "YAML syntax error"),
    ("not a mapping at top", "- title: T\n", 1, "a plan must be a mapping of keys"),
    ("empty file", "# only a comment\n", 1, "the plan is empty"),
    (
        "wrong type: viewpoints as mapping",
        "title: T\nviewpoints:\n  name: A\n",
        2,
        "viewpoints must be a list, not a mapping",
    ),
    ("wrong type: title a number", "title: 2015\n" + _vp(), 1, "title must be text, not a number"),
    (
        "wrong type: anonymous yes",
        "title: T\nanonymous: yes\n" + _vp(),
        2,
        "anonymous must be true or false, not 'yes'",
    ),
    ("duplicate yaml key", "title: T\n" + _vp() + "title: U\n", 5, "duplicate key 'title'"),
    ("bad slug", "title: T\n" + _vp("    slug: Not_A_Slug\n"), 5, "slug 'Not_A_Slug' is not valid"),
    (
        "duplicate kind key",
        "title: T\n" + _vp() + "kinds:\n  - key: risk\n    label: R\n  - key: risk\n    label: S\n",
        8,
        "kind key 'risk' is used twice",
    ),
    (
        "duplicate theme name",
        "title: T\n" + _vp() + "clustering:\n  themes:\n    - name: Kosten\n    - name: kosten\n",
        8,
        "theme name 'kosten' is used twice",
    ),
    ("unsupported version", "version: 2\ntitle: T\n" + _vp(), 1, "unknown version 2 (allowed: 1)"),
    ("bad date", "title: T\ndate: 13 juni\n" + _vp(), 2, "date must be a date like 2015-06-13"),
    (
        "note length out of range",
        "title: T\n" + _vp() + "notes:\n  max_length: 10\n",
        6,
        "max_length must be between 20 and 2000, not 10",
    ),
    (
        "empty title",
        "title: '  '\n" + _vp(),
        1,
        "title must not be empty",
    ),
    (
        "impossible date",
        "title: T\ndate: 2015-13-45\n" + _vp(),
        2,
        "'2015-13-45' is not a valid date",
    ),
    (
        "viewpoint entry not a mapping",
        "title: T\nviewpoints:\n  - Gemeenten\n",
        3,
        "viewpoints #1 must be a mapping of keys, not text",
    ),
    ("two documents", "title: T\n---\ntitle: U\n", 2, "expected a single document"),
    ("nested too deeply", "a: " + "[" * 5000 + "]" * 5000, 1, "the plan is nested too deeply"),
    (
        "python tag refused",
        "title: !!python/object/apply:os.system ['true']\n" + _vp(),
        1,
        "unsupported YAML tag",
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [case[1:] for case in BAD_PLANS],
    ids=[case[0] for case in BAD_PLANS],
)
def test_bad_plan_reports_line_and_message(text: str, line: int, message: str) -> None:
    problems = check_plan(text, "bad.yaml")
    assert problems, "expected a problem"
    rendered = [p.render() for p in problems]
    assert any(p.line == line and message in p.render() for p in problems), rendered
    assert all(r.startswith("bad.yaml:") for r in rendered)
    with pytest.raises(PlanError) as excinfo:
        load_plan(text, "bad.yaml")
    assert excinfo.value.problems == problems


def test_many_problems_reported_at_once_sorted_by_line() -> None:
    text = """\
title: T
language: no
viewpoints:
  - name: A
    question: Q?
    colour: red
  - name: a
    question: Q?
  - name: B
phases:
  brainstorm: 0
voting:
  mode: approval
bogus: 1
"""
    problems = check_plan(text, "many.yaml")
    assert [p.line for p in problems] == [2, 6, 7, 9, 11, 13, 14]
    assert [p.line for p in problems] == sorted(p.line for p in problems)
    error = PlanError(problems)
    assert str(error).count("many.yaml:") == len(problems)


def test_problem_messages_are_msgids_with_params() -> None:
    problem = check_plan("title: T\nfoo: 1\n" + _vp(), "p.yaml")[0]
    assert problem.message == "unknown key %(key)r (allowed: %(allowed)s)"
    assert problem.params["key"] == "foo"
    assert str(problem) == problem.render()
    dutch = {problem.message: "onbekende sleutel %(key)r"}
    assert problem.render(lambda s: dutch.get(s, s)) == "p.yaml:2: onbekende sleutel 'foo'"


def test_problem_is_a_plain_value() -> None:
    problem = PlanProblem("f.yaml", 3, "plain %(x)s", {"x": 1})
    assert problem.render() == "f.yaml:3: plain 1"


def test_self_referencing_alias_is_a_problem() -> None:
    problems = check_plan("a: &x [*x]\n")
    assert any(p.message == "an alias refers to itself" for p in problems)


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for i in range(1, 7):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    problems = check_plan("\n".join(lines))
    assert [p.message for p in problems] == ["the plan is too large"]


def test_model_validate_enforces_cross_field_rules() -> None:
    data = {
        "title": "T",
        "viewpoints": [{"name": "A", "question": "Q"}, {"name": "a", "question": "Q"}],
    }
    with pytest.raises(ValueError, match="used twice"):
        Plan.model_validate(data)


def test_plans_module_does_not_import_flask() -> None:
    package = ROOT / "workshop"
    for name in ("plans.py", "plan_schema.py", "i18n_markers.py"):
        tree = ast.parse((package / name).read_text(encoding="utf-8"))
        imported: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
        assert not imported & {"flask", "flask_socketio", "flask_babel"}, name


def test_readme_documents_every_key() -> None:
    readme = (SESSIONS / "README.md").read_text(encoding="utf-8")
    from workshop.plan_schema import model_at

    for path in [
        (),
        ("viewpoints",),
        ("kinds",),
        ("phases",),
        ("notes",),
        ("participants",),
        ("voting",),
        ("clustering",),
        ("clustering", "themes"),
    ]:
        model = model_at(path)
        assert model is not None
        for key in model.model_fields:
            assert f"`{key}`" in readme, (path, key)
    assert "workshop plan check" in readme


def test_readme_examples_are_valid() -> None:
    readme = (SESSIONS / "README.md").read_text(encoding="utf-8")
    examples = re.findall(r"```yaml\n(.*?)```", readme, flags=re.DOTALL)
    assert len(examples) >= 2
    for example in examples:
        assert check_plan(example, "README.md") == []
