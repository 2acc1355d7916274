"""TF-IDF vectors of notes for the suggestions: stemmed words beside character n-grams.

Each note becomes one vector that joins two TF-IDF parts: its stemmed content words (stop words
dropped, hyphen and compound parts added, see ``suggest_text``) and character 3–5-grams within
its words, which also link compounds and spelling variants ("huisleverancier" ~ "leverancier").
Both parts are L2-normalised and weighted so that the cosine of two notes is
WORD_WEIGHT · word cosine + (1 − WORD_WEIGHT) · character cosine.

scikit-learn is imported on first use, not with the module: it takes a second or more to load.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from workshop.suggest_text import Analysed, vocabulary, with_compounds

WORD_WEIGHT = 0.5  # share of the word part in the cosine; the rest is character n-grams


class Vectors:
    """TF-IDF vectors of a set of notes; ``vectors`` rows are L2-normalised."""

    def __init__(self, docs: Sequence[Analysed]) -> None:
        from sklearn.feature_extraction.text import (  # type: ignore[import-untyped]
            TfidfVectorizer,
        )

        self.known = vocabulary(docs)
        self.docs = [with_compounds(doc, self.known) for doc in docs]
        self.words = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
        self.chars = TfidfVectorizer(analyzer=char_ngrams, sublinear_tf=True)
        words = _fit_transform(self.words, [doc.stems for doc in self.docs])
        chars = _fit_transform(self.chars, [doc.char_text for doc in self.docs])
        self.word_ok = words is not None
        self.char_ok = chars is not None
        self.word_matrix: Any = words
        self.word_names = self.words.get_feature_names_out() if self.word_ok else []
        self.vectors = _join(words, chars, len(self.docs))

    def transform_analysed(self, docs: Sequence[Analysed]) -> Any:
        """Vectors for other texts, analysed like notes (compound parts from these notes)."""
        docs = [with_compounds(doc, self.known) for doc in docs]
        words = _transform(self.words, [d.stems for d in docs]) if self.word_ok else None
        chars = _transform(self.chars, [d.char_text for d in docs]) if self.char_ok else None
        return _join(words, chars, len(docs))

    def similarity(self) -> Any:
        """Dense cosine similarity of every pair of notes (0 for notes without content words)."""
        sims = np.asarray((self.vectors @ self.vectors.T).todense(), dtype=float)
        return np.clip(sims, 0.0, 1.0)

    def word_weights(self, index: int) -> dict[str, float]:
        """TF-IDF weight of each word stem of one note."""
        if self.word_matrix is None:
            return {}
        row = self.word_matrix[index]
        names = self.word_names
        return {str(names[j]): float(v) for j, v in zip(row.indices, row.data, strict=True)}


def _identity(features: list[str]) -> list[str]:
    return features


@lru_cache(maxsize=8192)
def char_ngrams(text: str, shortest: int = 3, longest: int = 5) -> tuple[str, ...]:
    """Character n-grams within words, each word padded with a space (scikit-learn's char_wb).

    Cached per text: the same notes are vectorised again whenever one note is added.
    """
    grams: list[str] = []
    for word in text.split():
        padded = f" {word} "
        for n in range(shortest, longest + 1):
            grams.extend(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))
            if len(padded) <= n:  # a short word counts once, whole
                break
    return tuple(grams)


def _fit_transform(vectorizer: Any, docs: list[Any]) -> Any:
    """Fit a vectorizer and return its matrix; None when the notes have no features at all."""
    try:
        matrix = vectorizer.fit_transform(docs).tocsr()
    except ValueError:  # empty vocabulary
        return None
    vectorizer.unseen_idf_ = math.log(1 + len(docs)) + 1  # smoothed IDF of a feature in no note
    return matrix


def _transform(vectorizer: Any, docs: list[Any]) -> Any:
    """Like ``vectorizer.transform``, but words the notes never use still count in the norm.

    ``transform`` drops unknown features before normalising, so a text sharing one word with a
    note and adding five new ones would look like a near-duplicate of it. Unknown features get
    the IDF of a feature no note has: ln((1 + n) / 1) + 1, scikit-learn's smoothed formula.
    """
    from scipy.sparse import csr_matrix  # type: ignore[import-untyped,unused-ignore]

    analyzer = vectorizer.build_analyzer()
    vocabulary = vectorizer.vocabulary_
    idf = vectorizer.idf_
    unseen_idf = vectorizer.unseen_idf_
    rows: list[int] = []
    columns: list[int] = []
    values: list[float] = []
    for row, doc in enumerate(docs):
        norm = 0.0
        known: list[tuple[int, float]] = []
        for feature, count in Counter(analyzer(doc)).items():
            tf = 1.0 + math.log(count)
            column = vocabulary.get(feature)
            weight = tf * (idf[column] if column is not None else unseen_idf)
            norm += weight * weight
            if column is not None:
                known.append((column, weight))
        for column, weight in known:
            rows.append(row)
            columns.append(column)
            values.append(weight / math.sqrt(norm))
    return csr_matrix((values, (rows, columns)), shape=(len(docs), len(vocabulary)))


def _join(words: Any, chars: Any, rows: int) -> Any:
    """One L2-normalised row per note: √w · word part beside √(1-w) · character part."""
    from scipy.sparse import csr_matrix, hstack  # type: ignore[import-untyped,unused-ignore]

    blocks = []
    if words is not None:
        blocks.append(words * WORD_WEIGHT**0.5)
    if chars is not None:
        blocks.append(chars * (1 - WORD_WEIGHT) ** 0.5)
    if not blocks:
        return csr_matrix((rows, 1))
    return hstack(blocks, format="csr")
