"""The shipped catalogues, read as a translator sees them."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[2] / "plugin" / "translations"
SPANISH_PO = TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po"
# Shorter English strings ("Status", "Hi there,") may be fair words in any language.
MIN_WORDS = 4


def spanish_catalogue():
    """The Spanish catalogue (babel's Catalog)."""
    with SPANISH_PO.open("rb") as handle:
        return read_po(handle)


def english_phrases() -> list[str]:
    """The English text of every catalogue entry of several words, placeholders out.

    Each piece between placeholders is kept when it has MIN_WORDS words, so a
    Spanish render that still contains one has left that message in English.
    """
    phrases = []
    for message in spanish_catalogue():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for text in ids:
            for piece in _between_placeholders(text):
                if len(piece.split()) >= MIN_WORDS:
                    phrases.append(piece)
    return phrases


def _between_placeholders(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"%\(\w+\)s", text) if p.strip()]
