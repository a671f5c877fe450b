"""Fill the English catalogue from its msgids: English is the source language of the code."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "locales" / "en" / "LC_MESSAGES" / "messages.po"


def main() -> int:
    """Copy each msgid to an empty or fuzzy msgstr; report how many changed."""
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="en")
    changed = 0
    for message in catalog:
        if not message.id:
            continue
        wanted = message.id if isinstance(message.id, str) else tuple(message.id)
        if message.string != wanted or message.fuzzy:
            message.string = wanted
            message.flags.discard("fuzzy")
            changed += 1
    catalog.fuzzy = False
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=0, sort_output=True)
    print(f"en: {changed} messages filled from their msgids")
    return 0


if __name__ == "__main__":
    sys.exit(main())
