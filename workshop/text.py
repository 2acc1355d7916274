"""Cleaning text people type: Unicode normalised, no control characters, sane whitespace."""

from __future__ import annotations

import re
import unicodedata

from workshop.errors import InvalidInput, TooLong
from workshop.i18n_markers import N_

# Bidi overrides and isolates can make a note render as something it is not; zero-width
# characters hide text. Line breaks and tabs are kept in multi-line fields.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


def clean(value: object, *, multiline: bool = False) -> str:
    """Normalise text input (NFC, trimmed, control and bidi-override characters removed)."""
    if not isinstance(value, str):
        raise InvalidInput(N_("Text was expected."))
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", _CONTROL.sub("", text))
    if multiline:
        text = _MANY_BLANK_LINES.sub("\n\n", text.replace("\t", " "))
        text = "\n".join(" ".join(line.split()) for line in text.split("\n"))
    else:
        text = " ".join(text.split())
    return text.strip()


def required(value: object, limit: int, *, multiline: bool = False) -> str:
    """Cleaned, non-empty text of at most ``limit`` characters."""
    text = clean(value, multiline=multiline)
    if not text:
        raise InvalidInput(N_("Please type something first."))
    if len(text) > limit:
        raise TooLong(limit=limit)
    return text


def optional(value: object, limit: int, *, multiline: bool = False) -> str:
    """Cleaned text (may be empty) of at most ``limit`` characters."""
    if value is None:
        return ""
    text = clean(value, multiline=multiline)
    if len(text) > limit:
        raise TooLong(limit=limit)
    return text
