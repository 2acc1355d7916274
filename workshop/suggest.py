"""Cluster suggestions: near-duplicates, plan themes and groups of similar notes, computed locally.

Plain Python (no web framework, no network). Texts are analysed in ``suggest_text`` (folding,
stop words, Dutch or English stems, compound parts) and turned into TF-IDF vectors in
``suggest_vectors`` (stemmed words and character n-grams, half and half); similarity is the
cosine of those vectors. Grouping is agglomerative clustering on 1 − similarity.

The thresholds were chosen on principle and on hand-written sample notes
(``tests/data/suggest-sample.csv``), never on the demo notes the benchmark scores against.
scikit-learn is imported only when suggestions are first computed; it takes a second to load.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TextIO

import numpy as np

from workshop.suggest_text import Analysed, analyse, stem
from workshop.suggest_vectors import Vectors

__all__ = [
    "CLUSTER_THRESHOLD",
    "DUPLICATE_THRESHOLD",
    "THEME_THRESHOLD",
    "ProposedCluster",
    "SuggestNote",
    "Theme",
    "cluster_labels",
    "similar_notes",
    "suggest_clusters",
    "suggest_csv",
]

# Near-duplicates: every pair in the group at least this similar (complete linkage).
DUPLICATE_THRESHOLD = 0.6
# Similar groups: average similarity between two merged groups at least this (average linkage).
CLUSTER_THRESHOLD = 0.2
# A note without a theme keyword joins a theme when it is this similar to the theme's text.
THEME_THRESHOLD = 0.3
TITLE_WORDS = 3

KINDS = ("duplicates", "theme", "similar")


@dataclass(frozen=True)
class SuggestNote:
    id: str
    text: str
    viewpoint_id: int | None = None


@dataclass(frozen=True)
class Theme:
    name: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProposedCluster:
    title: str
    note_ids: tuple[str, ...]
    kind: str  # "duplicates", "theme" or "similar"
    score: float  # cohesion 0..1


# --- grouping --------------------------------------------------------------------------


def _groups(sims: Any, members: list[int], threshold: float, linkage: str) -> list[list[int]]:
    """Agglomerative groups (≥ 2 notes) of ``members`` whose linkage similarity ≥ threshold."""
    if len(members) < 2:
        return []
    from sklearn.cluster import AgglomerativeClustering  # type: ignore[import-untyped]

    distances = 1.0 - sims[np.ix_(members, members)]
    np.fill_diagonal(distances, 0.0)
    model = AgglomerativeClustering(
        n_clusters=None,
        metric="precomputed",
        linkage=linkage,
        distance_threshold=1.0 - threshold + 1e-9,
    )
    labels = model.fit_predict(distances)
    by_label: dict[int, list[int]] = defaultdict(list)
    for member, label in zip(members, labels, strict=True):
        by_label[int(label)].append(member)
    return sorted((g for g in by_label.values() if len(g) >= 2), key=lambda g: g[0])


def _cohesion(sims: Any, group: Sequence[int]) -> float:
    if len(group) < 2:
        return 1.0
    block = sims[np.ix_(group, group)]
    n = len(group)
    return float((block.sum() - np.trace(block)) / (n * (n - 1)))


def _title(model: Vectors, group: Sequence[int]) -> str:
    """Up to three words most notes of the group share, as people wrote them, in text order."""
    frequency: Counter[str] = Counter()
    weight: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    position: dict[str, tuple[int, int]] = {}
    for rank, index in enumerate(group):
        weights = model.word_weights(index)
        frequency.update(weights.keys())
        weight.update(weights)
        for place, word in enumerate(model.docs[index].words):
            position.setdefault(word.stem, (rank, place))
            surface = word.surface
            if word.sentence_start and not any(c.isupper() for c in surface[1:]):
                # a capital starting a sentence says nothing about how a word is written
                spellings[word.stem][surface.lower()] += 1
            else:
                spellings[word.stem][surface] += 2
    ranked = sorted(weight, key=lambda s: (-frequency[s], -weight[s], s))
    shared = [s for s in ranked if frequency[s] >= 2 and s in spellings]
    candidates = shared or [s for s in ranked if s in spellings][:2]
    chosen: list[tuple[str, str]] = []
    for word_stem in candidates:
        # the most frequent spelling; on a tie the one with fewer capitals, then alphabetical
        spelling = min(
            spellings[word_stem].items(),
            key=lambda kv: (-kv[1], sum(c.isupper() for c in kv[0]), kv[0]),
        )[0]
        if any(spelling.lower() in c.lower() or c.lower() in spelling.lower() for _, c in chosen):
            continue
        chosen.append((word_stem, spelling))
        if len(chosen) == TITLE_WORDS:
            break
    chosen.sort(key=lambda sc: (-frequency[sc[0]], position[sc[0]]))
    title = ", ".join(spelling for _, spelling in chosen)
    return title[:1].upper() + title[1:]


def _theme_hits(doc: Analysed, keywords: Sequence[Analysed]) -> int:
    """How many of a theme's keywords (each one or more words) occur in a note."""
    hits = 0
    for keyword in keywords:
        if keyword.words and all(_word_matches(k.folded, doc) for k in keyword.words):
            hits += 1
    return hits


def _word_matches(folded: str, doc: Analysed) -> bool:
    """A keyword word occurs in a note: same stem, or (≥ 4 letters) starting or ending a word.

    "prijs" matches "prijzen" and "prijsstijging"; "leverancier" matches "huisleverancier".
    The keyword is stemmed in the note's language.
    """
    stemmed = stem(folded, doc.language)
    if stemmed in doc.stems:
        return True
    if len(folded) < 4:
        return False
    return any(
        w.folded.startswith(folded) or w.folded.endswith(folded) or w.stem.endswith(stemmed)
        for w in doc.words
    )


def _assign_themes(
    model: Vectors, sims: Any, themes: Sequence[Theme], members: list[int], same_group: Any
) -> dict[int, list[tuple[int, float]]]:
    """Theme index → [(note index, strength)], for notes that match a theme well enough."""
    keyword_docs = [[analyse(k) for k in (t.name, *t.keywords)] for t in themes]
    theme_text = model.transform_analysed(
        [analyse(" ".join((t.name, *t.keywords))) for t in themes]
    )
    to_theme = np.asarray((model.vectors @ theme_text.T).todense(), dtype=float)
    chosen: dict[int, tuple[int, float]] = {}
    for i in members:
        best: tuple[int, float, int] | None = None  # (hits, similarity, -theme index)
        for t in range(len(themes)):
            hits = _theme_hits(model.docs[i], keyword_docs[t])
            key = (hits, float(to_theme[i, t]), -t)
            if (hits or key[1] >= THEME_THRESHOLD) and (best is None or key > best):
                best = key
        if best is not None:  # strength: a keyword is good evidence, two are better
            chosen[i] = (-best[2], min(1.0, 0.5 + 0.25 * best[0] + best[1]))
    # A note without a keyword joins the theme its keyword notes resemble, by the same rule
    # as average linkage: mean similarity to those notes ≥ CLUSTER_THRESHOLD.
    seeds = dict(chosen)
    for i in members:
        if i in chosen:
            continue
        scores = []
        for t in range(len(themes)):
            group = [j for j, (tt, _) in seeds.items() if tt == t and same_group(i, j)]
            if group:
                scores.append((float(np.mean(sims[i, group])), -t))
        if scores:
            score, neg_t = max(scores)
            if score >= CLUSTER_THRESHOLD:
                chosen[i] = (-neg_t, score)
    by_theme: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for i in sorted(chosen):
        by_theme[chosen[i][0]].append((i, chosen[i][1]))
    return by_theme


def suggest_clusters(
    notes: Sequence[SuggestNote], themes: Sequence[Theme] = (), *, per_viewpoint: bool = False
) -> list[ProposedCluster]:
    """Proposed clusters: near-duplicates first, then plan themes, then other similar groups.

    Deterministic; every note is in at most one proposal; notes without a good match are left
    out. With ``per_viewpoint`` no proposal mixes notes of different viewpoints.
    """
    if not notes:
        return []
    model = Vectors([analyse(n.text) for n in notes])
    sims = model.similarity()
    viewpoints = [n.viewpoint_id if per_viewpoint else None for n in notes]
    if per_viewpoint:
        same = np.array([[a == b for b in viewpoints] for a in viewpoints], dtype=bool)
        sims = np.where(same, sims, 0.0)
    np.fill_diagonal(sims, 1.0)
    proposals: list[tuple[int, float, int, ProposedCluster]] = []

    taken: set[int] = set()

    def add(kind: str, title: str, group: Sequence[int], score: float) -> None:
        ids = tuple(notes[i].id for i in group)
        cluster = ProposedCluster(title, ids, kind, round(min(max(score, 0.0), 1.0), 4))
        proposals.append((KINDS.index(kind), -cluster.score, min(group), cluster))
        taken.update(group)

    left = list(range(len(notes)))
    for group in _groups(sims, left, DUPLICATE_THRESHOLD, "complete"):
        add("duplicates", _title(model, group), group, _cohesion(sims, group))
    left = [i for i in left if i not in taken]

    if themes:
        by_theme = _assign_themes(
            model, sims, themes, left, lambda i, j: viewpoints[i] == viewpoints[j]
        )
        for t, assigned in sorted(by_theme.items()):
            per_group: dict[object, list[tuple[int, float]]] = defaultdict(list)
            for i, strength in assigned:
                per_group[viewpoints[i]].append((i, strength))
            for members in per_group.values():
                group = [i for i, _ in members]
                add("theme", themes[t].name, group, float(np.mean([s for _, s in members])))
        left = [i for i in left if i not in taken]

    for group in _groups(sims, left, CLUSTER_THRESHOLD, "average"):
        add("similar", _title(model, group), group, _cohesion(sims, group))
    proposals.sort(key=lambda p: p[:3])
    return [p[3] for p in proposals]


def cluster_labels(
    notes: Sequence[SuggestNote], themes: Sequence[Theme] = (), per_viewpoint: bool = False
) -> dict[str, str]:
    """Every note id → a cluster label: the proposal's title (made unique), or "_" + note id."""
    labels = {n.id: "_" + n.id for n in notes}
    used: Counter[str] = Counter()
    for proposal in suggest_clusters(notes, themes, per_viewpoint=per_viewpoint):
        used[proposal.title] += 1
        label = (
            proposal.title
            if used[proposal.title] == 1
            else f"{proposal.title} ({used[proposal.title]})"
        )
        for note_id in proposal.note_ids:
            labels[note_id] = label
    return labels


# --- hints while typing ----------------------------------------------------------------


@lru_cache(maxsize=16)
def _candidate_model(candidates: tuple[tuple[str, str], ...]) -> Vectors:
    return Vectors([analyse(text) for _, text in candidates])


def similar_notes(
    text: str,
    candidates: Sequence[SuggestNote],
    *,
    limit: int = 3,
    threshold: float = DUPLICATE_THRESHOLD,
) -> list[tuple[str, float]]:
    """Posted notes that resemble ``text``: (note id, score), best first, score ≥ threshold."""
    if not candidates or not text.strip() or limit <= 0:
        return []
    model = _candidate_model(tuple((c.id, c.text) for c in candidates))
    query = model.transform_analysed([analyse(text)])
    scores = np.asarray((model.vectors @ query.T).todense(), dtype=float).ravel()
    order = sorted(range(len(candidates)), key=lambda i: (-scores[i], i))
    return [
        (candidates[i].id, round(float(min(scores[i], 1.0)), 4))
        for i in order[:limit]
        if scores[i] >= threshold
    ]


# --- command line ----------------------------------------------------------------------


def read_notes_csv(input_path: str) -> list[SuggestNote]:
    """Notes from a UTF-8 CSV (BOM tolerated) with columns ``id`` and ``text``."""
    with open(input_path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = {(name or "").strip().lower(): name for name in reader.fieldnames or ()}
        if "id" not in fields or "text" not in fields:
            raise ValueError(
                f"{input_path}: the first line must name the columns 'id' and 'text' "
                f"(found: {', '.join(repr(f) for f in reader.fieldnames or ()) or 'nothing'})"
            )
        notes: list[SuggestNote] = []
        seen: set[str] = set()
        for row in reader:
            note_id = (row.get(fields["id"]) or "").strip()
            if not note_id:
                raise ValueError(f"{input_path}, line {reader.line_num}: the id is empty")
            if note_id in seen:
                raise ValueError(f"{input_path}, line {reader.line_num}: id {note_id!r} twice")
            seen.add(note_id)
            notes.append(SuggestNote(note_id, row.get(fields["text"]) or ""))
    return notes


def suggest_csv(input_path: str, output: TextIO) -> None:
    """Write ``id,cluster`` CSV for the notes in ``input_path``, in input order."""
    notes = read_notes_csv(input_path)
    labels = cluster_labels(notes)
    writer = csv.writer(output, lineterminator="\n")
    writer.writerow(["id", "cluster"])
    for note in notes:
        writer.writerow([note.id, labels[note.id]])
