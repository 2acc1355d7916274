"""Benchmark of the cluster suggestions against labelled notes, next to a plain TF-IDF baseline.

Usage: .venv/bin/python tools/benchmark_suggest.py [CSV] [--plan PLAN | --no-plan] [--write]

CSV defaults to ../shared/data/demo-notes.csv (columns id, viewpoint, kind, text, cluster);
PLAN to sessions/denktank-cloudstrategie.yaml, whose themes give the "with plan themes" run.
Prints a Markdown report; --write also puts it into docs/benchmarks.md, between this CSV's
markers in the "## Clustering suggestions" section (the discussion around them is by hand).

This is a benchmark, not a test: nothing in workshop/suggest*.py was tuned on the demo notes.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import sklearn  # type: ignore[import-untyped]  # noqa: E402
from sklearn.cluster import AgglomerativeClustering  # type: ignore[import-untyped]  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]  # noqa: E402
from sklearn.metrics import adjusted_rand_score  # type: ignore[import-untyped]  # noqa: E402

from workshop import suggest  # noqa: E402
from workshop.plans import load_plan_file  # noqa: E402
from workshop.suggest import SuggestNote, Theme  # noqa: E402
from workshop.suggest_text import analyse, stem  # noqa: E402
from workshop.suggest_vectors import char_ngrams  # noqa: E402

DEFAULT_CSV = ROOT.parent / "shared" / "data" / "demo-notes.csv"
DEFAULT_PLAN = ROOT / "sessions" / "denktank-cloudstrategie.yaml"
DOC = ROOT / "docs" / "benchmarks.md"
HEADING = "## Clustering suggestions"


def load(path: Path) -> tuple[list[SuggestNote], list[str]]:
    """Notes (viewpoints numbered in order of appearance) and their reference cluster labels."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    viewpoints: dict[str, int] = {}
    notes = [
        SuggestNote(
            r["id"], r["text"], viewpoints.setdefault(r.get("viewpoint", ""), len(viewpoints))
        )
        for r in rows
    ]
    return notes, [r["cluster"] for r in rows]


def plan_themes(path: Path) -> list[Theme]:
    plan = load_plan_file(path)
    return [Theme(t.name, tuple(t.keywords)) for t in plan.clustering.themes]


# --- baseline: word TF-IDF with scikit-learn defaults, no stemming, no stop words ------------


def baseline_labels(notes: Sequence[SuggestNote], n_clusters: int) -> list[int]:
    vectors = TfidfVectorizer().fit_transform([n.text for n in notes]).toarray()
    model = AgglomerativeClustering(n_clusters=n_clusters, metric="cosine", linkage="average")
    return [int(label) for label in model.fit_predict(vectors)]


def baseline_hints(text: str, others: Sequence[SuggestNote]) -> list[tuple[str, float]]:
    """All other notes with their word TF-IDF cosine to ``text``, best first, at most 3."""
    vectorizer = TfidfVectorizer()
    matrix = vectorizer.fit_transform([n.text for n in others])
    scores = (matrix @ vectorizer.transform([text]).T).toarray().ravel()
    order = sorted(range(len(others)), key=lambda i: (-scores[i], i))[:3]
    return [(others[i].id, float(scores[i])) for i in order if scores[i] > 0]


# --- measurements ----------------------------------------------------------------------


def hint_quality(
    notes: Sequence[SuggestNote],
    gold: dict[str, str],
    hints_for: Callable[[str, Sequence[SuggestNote]], list[tuple[str, float]]],
    threshold: float | None = None,
    top: int | None = None,
) -> tuple[float, int, int]:
    """(precision, hints given, notes that got a hint); keep hints ≥ threshold or the top N."""
    given: list[tuple[float, str, str]] = []
    for note in notes:
        others = [n for n in notes if n.id != note.id]
        for other_id, score in hints_for(note.text, others):
            if threshold is None or score >= threshold:
                given.append((score, note.id, other_id))
    if top is not None:
        given = sorted(given, key=lambda g: (-g[0], g[1], g[2]))[:top]
    correct = sum(gold[a] == gold[b] for _, a, b in given)
    precision = correct / len(given) if given else float("nan")
    return precision, len(given), len({a for _, a, _ in given})


def ours_hints(text: str, others: Sequence[SuggestNote]) -> list[tuple[str, float]]:
    return suggest.similar_notes(text, others, threshold=0.0)


def timed(function: Callable[[], Any], repeat: int = 5) -> float:
    """Median wall time in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


# Hand-written words for synthetic notes (not taken from any labelled file): only for timing.
SUBJECTS = [
    "de leverancier",
    "het bestuur",
    "de burger",
    "de afdeling",
    "het datacentrum",
    "de wethouder",
    "het contract",
    "de beheerder",
    "de gebruiker",
    "de applicatie",
    "het archief",
    "de koppeling",
    "de raad",
    "het budget",
]
VERBS = [
    "vertraagt",
    "verhoogt",
    "beperkt",
    "vergroot",
    "verandert",
    "bedreigt",
    "vereist",
    "verschuift",
]
OBJECTS = [
    "de privacy",
    "de kosten",
    "de afhankelijkheid",
    "de beveiliging",
    "de beschikbaarheid",
    "de kennis",
    "het tempo",
    "de kwaliteit",
    "het toezicht",
    "het draagvlak",
    "de planning",
    "de continuïteit",
]
TAILS = ("", " na de overstap", " bij een storing", " zonder duidelijke afspraken", " in 2027")


def synthetic_notes(count: int, seed: int = 7) -> list[SuggestNote]:
    rnd = random.Random(seed)
    return [
        SuggestNote(
            f"s{i}",
            f"{rnd.choice(SUBJECTS).capitalize()} {rnd.choice(VERBS)} {rnd.choice(OBJECTS)}"
            f"{rnd.choice(TAILS)}",
            i % 3,
        )
        for i in range(count)
    ]


def top_hint_precision(
    notes: Sequence[SuggestNote],
    gold: dict[str, str],
    hints_for: Callable[[str, Sequence[SuggestNote]], list[tuple[str, float]]],
) -> float:
    """Share of notes whose single most similar other note (no threshold) has the same label."""
    correct = 0
    for note in notes:
        hints = hints_for(note.text, [n for n in notes if n.id != note.id])
        correct += bool(hints) and gold[hints[0][0]] == gold[note.id]
    return correct / len(notes)


def shared_word_rates(
    notes: Sequence[SuggestNote], gold_list: Sequence[str]
) -> tuple[float, float]:
    """Share of same-label and of different-label pairs of notes with a content stem in common."""
    stems = [set(analyse(n.text).stems) for n in notes]
    same = [0, 0]
    different = [0, 0]
    for i in range(len(notes)):
        for j in range(i + 1, len(notes)):
            tally = same if gold_list[i] == gold_list[j] else different
            tally[0] += bool(stems[i] & stems[j])
            tally[1] += 1
    return same[0] / max(1, same[1]), different[0] / max(1, different[1])


def report(csv_path: Path, plan_path: Path | None) -> str:
    notes, gold_list = load(csv_path)
    gold = {n.id: g for n, g in zip(notes, gold_list, strict=True)}
    themes = plan_themes(plan_path) if plan_path else []

    plain = suggest.cluster_labels(notes)
    with_themes = suggest.cluster_labels(notes, themes)
    ours = [plain[n.id] for n in notes]
    ours_t = [with_themes[n.id] for n in notes]
    k_ours = len(set(ours))
    k_gold = len(set(gold_list))
    ari = {
        "ours": adjusted_rand_score(gold_list, ours),
        "ours_themes": adjusted_rand_score(gold_list, ours_t),
        "base_k": adjusted_rand_score(gold_list, baseline_labels(notes, k_ours)),
        "base_gold_k": adjusted_rand_score(gold_list, baseline_labels(notes, k_gold)),
    }
    proposals = suggest.suggest_clusters(notes)
    proposals_t = suggest.suggest_clusters(notes, themes)
    covered = sum(len(p.note_ids) for p in proposals)
    covered_t = sum(len(p.note_ids) for p in proposals_t)

    dup = suggest.DUPLICATE_THRESHOLD
    h_ours = hint_quality(notes, gold, ours_hints, threshold=dup)
    h_ours_loose = hint_quality(notes, gold, ours_hints, threshold=suggest.CLUSTER_THRESHOLD)
    h_base_same = hint_quality(notes, gold, baseline_hints, threshold=dup)
    h_base_matched = hint_quality(notes, gold, baseline_hints, top=h_ours[1])
    h_base_matched_loose = hint_quality(notes, gold, baseline_hints, top=h_ours_loose[1])
    top1_ours = top_hint_precision(notes, gold, ours_hints)
    top1_base = top_hint_precision(notes, gold, baseline_hints)
    shared_same, shared_different = shared_word_rates(notes, gold_list)

    t46 = timed(lambda: suggest.suggest_clusters(notes))
    t46_themes = timed(lambda: suggest.suggest_clusters(notes, themes)) if themes else 0.0
    big = synthetic_notes(500)
    t500 = timed(lambda: suggest.suggest_clusters(big))
    t_hint = timed(lambda: suggest.similar_notes("De leverancier verhoogt de kosten", big), 20)
    added = iter(range(1_000_000))

    def after_new_note() -> None:  # the room posts one note, then someone types
        n = next(added)
        fresh = [*big[:-1], SuggestNote(f"new{n}", f"Een nieuwe notitie nummer {n} over de raad")]
        suggest.similar_notes("De koppeling", fresh)

    def nothing_cached() -> None:
        for cached in (suggest._candidate_model, analyse, char_ngrams, stem):
            cached.cache_clear()
        suggest.similar_notes("Leverancier verhoogt de kosten", big)

    t_hint_new = timed(after_new_note, 7)
    t_hint_cold = timed(nothing_cached, 7)

    def pct(value: float) -> str:
        return "–" if value != value else f"{value:.2f}"

    n = len(notes)
    themes_row = [
        f"| ours, with the plan's themes ¹ | {ari['ours_themes']:.3f} "
        f"| {len(proposals_t)} ({covered_t} of {n}) |"
    ]
    themes_note = [
        "",
        "¹ The plan's theme keywords were written for this demo plan, by the same people who "
        "wrote the demo notes; that run shows what prepared themes can do, not what the "
        "algorithm finds on its own.",
    ]
    lines = [
        f"Data: `{_shown(csv_path)}`: {n} notes, {k_gold} reference clusters."
        + (f" Plan themes: `{_shown(plan_path)}` ({len(themes)} themes)." if plan_path else ""),
        "",
        "| method | adjusted Rand index | proposals (notes in them) |",
        "|---|---:|---:|",
        f"| ours, no themes | {ari['ours']:.3f} | {len(proposals)} ({covered} of {n}) |",
        *(themes_row if themes else []),
        f"| baseline, k = {k_ours} (as many clusters as ours, singletons counted) "
        f"| {ari['base_k']:.3f} | – |",
        f"| baseline, k = {k_gold} (told the true number of clusters) "
        f"| {ari['base_gold_k']:.3f} | – |",
        "",
        "| near-duplicate hints (each note against all others, ≤ 3 hints) "
        "| precision | hints | notes with a hint |",
        "|---|---:|---:|---:|",
        f"| ours, default threshold {dup} | {pct(h_ours[0])} | {h_ours[1]} | {h_ours[2]} |",
        f"| baseline cosine, same threshold {dup} | {pct(h_base_same[0])} | {h_base_same[1]} "
        f"| {h_base_same[2]} |",
        f"| baseline cosine, its best {h_ours[1]} hints (same count as ours) "
        f"| {pct(h_base_matched[0])} | {h_base_matched[1]} | {h_base_matched[2]} |",
        f"| ours, looser threshold {suggest.CLUSTER_THRESHOLD} | {pct(h_ours_loose[0])} "
        f"| {h_ours_loose[1]} | {h_ours_loose[2]} |",
        f"| baseline cosine, its best {h_ours_loose[1]} hints | {pct(h_base_matched_loose[0])} "
        f"| {h_base_matched_loose[1]} | {h_base_matched_loose[2]} |",
        f"| ours, top hint of every note, no threshold | {top1_ours:.2f} | {n} | {n} |",
        f"| baseline, top hint of every note, no threshold | {top1_base:.2f} | {n} | {n} |",
        *(themes_note if themes else []),
        "",
        f"Word overlap in the reference: {shared_same:.0%} of the pairs of notes in the same "
        f"reference cluster share a content word (stem), against {shared_different:.0%} of the "
        "pairs in different clusters.",
        "",
        "Timing (median wall time, one process, warm caches unless noted):",
        "",
        f"- `suggest_clusters`, {n} notes: {t46:.0f} ms"
        + (f" ({t46_themes:.0f} ms with themes). " if themes else ". ")
        + f"The first call in a fresh process takes {cold_start():.0f} ms more or less regardless "
        "of the notes: it imports scikit-learn (`workshop.suggest` itself imports it lazily).",
        f"- `suggest_clusters`, 500 synthetic notes: {t500:.0f} ms.",
        f"- `similar_notes` against 500 candidates: {t_hint:.1f} ms when the candidate list is "
        f"unchanged since the last call (cached vectors), {t_hint_new:.0f} ms after one new note "
        f"(vectors fitted again, texts' analysis cached), {t_hint_cold:.0f} ms with nothing "
        "cached.",
        "",
        f"Machine: {os.cpu_count()} cores ({_cpu()}), Python {platform.python_version()}, "
        f"scikit-learn {sklearn.__version__}, numpy {np.__version__}.",
    ]
    return "\n".join(lines)


def cold_start() -> float:
    """Milliseconds for the first suggestion in a fresh interpreter, imports included."""
    code = (
        "import time; t = time.perf_counter(); from workshop import suggest as s; "
        "s.suggest_clusters([s.SuggestNote('a', 'De leverancier'), s.SuggestNote('b', 'Kosten')]);"
        "print((time.perf_counter() - t) * 1000)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return float(result.stdout.strip())


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path, ROOT)
    except ValueError:
        return str(path)


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def write(section_body: str, csv_path: Path) -> None:
    """Replace this data file's generated block in the section of docs/benchmarks.md."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    start = f"<!-- benchmark_suggest {csv_path.name}: start -->"
    end = f"<!-- benchmark_suggest {csv_path.name}: end -->"
    block = f"{start}\n{section_body}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = before + block + after
    elif HEADING in text:
        text = text.replace(HEADING, f"{HEADING}\n\n{block}", 1)
    else:
        text = text.rstrip("\n") + f"\n\n{HEADING}\n\n{block}\n"
    DOC.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("csv", nargs="?", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--plan", type=Path, default=DEFAULT_PLAN)
    parser.add_argument("--no-plan", action="store_true", help="skip the run with plan themes")
    parser.add_argument("--write", action="store_true", help=f"update {_shown(DOC)}")
    args = parser.parse_args(argv)
    body = report(args.csv, None if args.no_plan else args.plan)
    print(body)
    if args.write:
        write(body, args.csv)
        print(f"\nwritten to {_shown(DOC)}")


if __name__ == "__main__":
    main()
