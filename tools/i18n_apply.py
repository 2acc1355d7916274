"""Apply translations from a small JSON file (msgid → msgstr, or a list for plurals) to a catalogue.

Usage: .venv/bin/python tools/i18n_apply.py nl translations.json
Handy for adding a batch of new strings after `make i18n`; then run `make i18n-compile`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent / "workshop/translations"


def main() -> None:
    """Fill the given language's catalogue and list what is still untranslated."""
    language, source = sys.argv[1], Path(sys.argv[2])
    wanted = json.loads(source.read_text(encoding="utf-8"))
    path = ROOT / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    for message in catalog:
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key in wanted:
            value = wanted[key]
            message.string = tuple(value) if isinstance(message.id, tuple) else value
            message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True)
    missing = [
        m.id
        for m in catalog
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    print(f"{language}: {len(missing)} untranslated", *missing, sep="\n  ")


if __name__ == "__main__":
    main()
