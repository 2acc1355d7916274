"""Exports of a workshop's summary: one module per format, all rendering ``workshop.report``."""

from __future__ import annotations

from collections.abc import Callable

from babel.support import Translations

from workshop.paths import TRANSLATIONS_DIR

Translate = Callable[[str], str]
FORMATS: tuple[str, ...] = ("md", "docx", "xlsx", "csv", "json")


def translator(language: str) -> Translate:
    """A gettext function for the workshop's language, without Flask (the CLI and tests use it)."""
    translations = Translations.load(str(TRANSLATIONS_DIR), [language], domain="messages")
    gettext: Translate = translations.gettext
    return gettext
