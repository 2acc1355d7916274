"""Dutch and English are complete: every string in the code and templates is translated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from workshop.paths import TRANSLATIONS_DIR

REPO = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]")
LANGUAGES = ("nl", "en")


def strings_in_source() -> set[str]:
    """Every translatable string extracted now from Python code and templates."""
    method_map = [("workshop/**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {
        "_": None,
        "gettext": None,
        "lazy_gettext": None,
        "_l": None,
        "N_": None,
        "ngettext": (1, 2),
    }
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(REPO), method_map, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalogue(language: str) -> dict[str, str]:
    """The .po catalogue of a language as msgid → msgstr, fuzzy entries left out."""
    with (TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        po = read_po(handle)
    found: dict[str, str] = {}
    for m in po:
        if not m.id or "fuzzy" in m.flags:
            continue
        if isinstance(m.id, tuple):  # plural: every form must be filled
            forms = [str(form) for form in m.string]
            found[str(m.id[0])] = " | ".join(forms) if all(forms) else ""
        else:
            found[str(m.id)] = str(m.string)
    return found


def test_source_has_strings_to_translate() -> None:
    assert "Facilitator login" in strings_in_source()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated(language: str) -> None:
    translated = {msgid for msgid, msgstr in catalogue(language).items() if msgstr.strip()}
    missing = sorted(strings_in_source() - translated)
    assert missing == [], f"{language}: run `make i18n` and translate: {missing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language: str) -> None:
    broken = {
        msgid: msgstr
        for msgid, msgstr in catalogue(language).items()
        if set(PLACEHOLDER.findall(msgid)) != set(PLACEHOLDER.findall(msgstr))
    }
    assert broken == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_source(language: str) -> None:
    with (TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        compiled = {
            str(m.id[0] if isinstance(m.id, (tuple, list)) else m.id): (
                " | ".join(m.string) if isinstance(m.string, (tuple, list)) else str(m.string)
            )
            for m in read_mo(handle)
            if m.id
        }
    assert compiled == catalogue(language), "run `make i18n-compile`"


def test_dutch_is_really_dutch() -> None:
    dutch = catalogue("nl")
    assert dutch["Log in"] == "Inloggen"
    # Sentences (three words or more) identical in both languages were forgotten.
    same = [
        msgid
        for msgid, msgstr in dutch.items()
        if msgid == msgstr and len(re.findall(r"[A-Za-z]{2,}", PLACEHOLDER.sub("", msgid))) >= 3
    ]
    assert same == []
