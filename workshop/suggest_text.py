"""Text analysis for cluster suggestions: normalising, stop words, stemming, compound parts.

Plain Python, no web framework. Notes are short and mostly Dutch, sometimes English, so each note
is analysed in the language whose function words it uses most (Dutch when in doubt). The word
lists below are generic function words written by hand; they contain nothing about any topic.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped]

# Generic Dutch function words: articles, pronouns, prepositions, conjunctions, auxiliaries
# and light verbs (gaan, staan, maken, krijgen, …).
STOP_WORDS_NL = frozenset(
    """
    aan af al alle allemaal alles als alsof altijd ander andere anders ben bent bij binnen
    blijft blijkt blijven buiten daar daarbij daardoor daarmee daarna daarom daarvan
    daarvoor dan dat de der des deze die dit doch doe doen doet door dus echter een eens
    eerst eigen elk elke en enkel enkele er erg even ga gaan gaat ge gedaan geen gegaan
    gemaakt geweest gewoon ging gingen haar had hadden heb hebben hebt heeft heel hem hen
    het hier hij hoe hoeveel houden houdt hun ieder iedere iemand iets ik in is ja je jij
    jou jouw jullie kan komen komt kon konden kregen krijgen krijgt kun kunnen kunt laat
    laten liggen ligt maakt maar mag maken me meer men met mij mijn misschien moet moeten
    mogen na naar nadat namelijk niet niets nog nou nu of om omdat ons onze ook op over per
    reeds samen sinds sommige staan staat steeds stond te tegen terwijl toch toe toen tot
    totdat tussen u uit uw van veel via voor vooral voordat waar waardoor waarin waarom
    wanneer want waren was wat we weer wel welk welke werd wie wij wil willen wilt worden
    wordt zal ze zeer zeggen zegt zelf zelfs zich zien ziet zij zijn zo zoals zodat zonder
    zou zouden zullen
    """.split()  # noqa: SIM905 - a word list reads better as text
)

# Generic English function words.
STOP_WORDS_EN = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can cannot could did do does doing down during each few for
    from further get gets got had has have having he her here hers him his how i if in into is it
    its itself just me more most much must my no nor not of off on once only or other our ours
    out over own same she should so some such than that the their theirs them then there these
    they this those through to too under until up us very was we were what when where which while
    who whom why will with would you your yours
    """.split()  # noqa: SIM905 - a word list reads better as text
)

_NL_ONLY = STOP_WORDS_NL - STOP_WORDS_EN
_EN_ONLY = STOP_WORDS_EN - STOP_WORDS_NL

# A word: letters and digits, possibly joined by hyphens or apostrophes ("lock-in", "SLA's").
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_APOSTROPHE = re.compile(r"['’]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")

MIN_PART = 4  # shortest compound part that is split off ("huis" + "leverancier")


def fold(text: str) -> str:
    """Lower-case, accents stripped (NFKD), everything but letters and digits becomes a space."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NON_ALNUM.sub(" ", stripped.lower()).split())


@lru_cache(maxsize=4)
def _stemmer(language: str) -> snowballstemmer.basestemmer.BaseStemmer:
    algorithms = snowballstemmer.algorithms()
    if language == "en":
        return snowballstemmer.stemmer("english")
    # snowballstemmer 3 renamed the classic Dutch stemmer "dutch_porter" and made "dutch" a
    # more aggressive one that also strips "ge-" (gegevens → geven); keep the classic one.
    name = "dutch_porter" if "dutch_porter" in algorithms else "dutch"
    return snowballstemmer.stemmer(name)


@lru_cache(maxsize=65536)
def stem(word: str, language: str = "nl") -> str:
    """The stem of a folded word in ``language`` ("nl" or "en")."""
    return str(_stemmer(language).stemWord(word))


def detect_language(words: Iterable[str]) -> str:
    """Return "en" when a text has more English-only than Dutch-only function words, else "nl"."""
    dutch = english = 0
    for word in words:
        dutch += word in _NL_ONLY
        english += word in _EN_ONLY
    return "en" if english > dutch else "nl"


@dataclass(frozen=True)
class Word:
    """A content word of a note: its original spelling, folded form and stem."""

    surface: str
    folded: str
    stem: str
    sentence_start: bool


@dataclass(frozen=True)
class Analysed:
    """A note's text prepared for the vectors."""

    language: str
    words: tuple[Word, ...]
    extra_stems: tuple[str, ...]  # stems of hyphen parts and compound parts

    @property
    def stems(self) -> list[str]:
        return [w.stem for w in self.words] + list(self.extra_stems)

    @property
    def char_text(self) -> str:
        """Folded content words (stop words dropped), for the character n-grams."""
        return " ".join(w.folded for w in self.words)


def _raw_words(text: str) -> list[tuple[str, bool]]:
    """Words as typed, with whether each starts a sentence; a trailing 's is dropped."""
    found: list[tuple[str, bool]] = []
    previous_end = 0
    for match in _WORD.finditer(text):
        gap = text[previous_end : match.start()]
        starts = not found or any(c in ".!?:;\n" for c in gap)
        previous_end = match.end()
        parts = _APOSTROPHE.split(match.group())
        if len(parts) > 1 and fold(parts[-1]) == "s":  # SLA's, gemeente's, supplier's
            parts = parts[:-1]
        found.append(("'".join(parts), starts))
    return found


@lru_cache(maxsize=8192)
def analyse(text: str) -> Analysed:
    """Content words with stems, in the note's language; hyphenated words also by their parts."""
    raw = _raw_words(text)
    language = detect_language(fold(word) for word, _ in raw)
    stops = STOP_WORDS_EN if language == "en" else STOP_WORDS_NL
    words: list[Word] = []
    extra: list[str] = []
    for surface, starts in raw:
        parts = [p for p in fold(surface).split() if p not in stops]
        joined = "".join(parts)
        if len(joined) < 2:
            continue
        if len(parts) > 1:  # "lock-in" → lockin (+ lock); "AVG-compliance" → avgcompliance, avg…
            extra.extend(stem(p, language) for p in parts if len(p) >= 2)
        words.append(Word(surface, joined, stem(joined, language), starts))
    return Analysed(language, tuple(words), tuple(extra))


def vocabulary(docs: Iterable[Analysed]) -> frozenset[str]:
    """Folded words and stems that occur on their own in a set of notes."""
    known: set[str] = set()
    for doc in docs:
        for word in doc.words:
            if len(word.folded) >= MIN_PART:
                known.add(word.folded)
                known.add(word.stem)
    return frozenset(known)


def _known(part: str, language: str, known: frozenset[str]) -> bool:
    return part in known or stem(part, language) in known


def compound_parts(word: str, language: str, known: frozenset[str]) -> list[str]:
    """Known words inside a compound: its longest known head and longest known modifier.

    Dutch writes compounds as one word with the head last: "huisleverancier" is a kind of
    "leverancier". A part counts only when the same set of notes also uses it on its own, so
    nothing depends on a dictionary. A linking "s" or "e" ("persoonsgegevens") is tolerated.
    """
    found: list[str] = []
    if len(word) < 2 * MIN_PART:
        return found
    for i in range(MIN_PART, len(word) - MIN_PART + 1):  # longest head first
        head = word[i:]
        if _known(head, language, known):
            found.append(stem(head, language))
            break
    for j in range(len(word) - MIN_PART, MIN_PART - 1, -1):  # longest modifier first
        modifier = word[:j]
        candidates = [modifier]
        if modifier[-1] in "se" and len(modifier) > MIN_PART:
            candidates.append(modifier[:-1])
        hit = next((c for c in candidates if _known(c, language, known)), None)
        if hit is not None:
            found.append(stem(hit, language))
            break
    return found


def with_compounds(doc: Analysed, known: frozenset[str]) -> Analysed:
    """``doc`` with the stems of known compound parts added to its extra stems."""
    extra = list(doc.extra_stems)
    for word in doc.words:
        for part in compound_parts(word.folded, doc.language, known):
            if part != word.stem:
                extra.append(part)
    return Analysed(doc.language, doc.words, tuple(extra))
