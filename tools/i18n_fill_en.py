"""Fill the English catalogue: msgids are English, so every msgstr equals its msgid.

Run by `make i18n`; keeps the `en` catalogue complete, so a missing entry is never silently
shown from a fallback and the translation test can demand both catalogues be complete.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOGUE = (
    Path(__file__).resolve().parent.parent / "workshop/translations/en/LC_MESSAGES/messages.po"
)


def main() -> None:
    """Copy each msgid to its msgstr where the English msgstr is empty."""
    with CATALOGUE.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not any(message.string):
                message.string = tuple(message.id)
        elif not message.string:
            message.string = message.id
        message.flags.discard("fuzzy")
    with CATALOGUE.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True)


if __name__ == "__main__":
    main()
