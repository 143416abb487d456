"""Times, days and drafts as a candidate reads them, in every email and page.

`local_time` writes a time in the reader's language with their zone named, and
`weekday` a day's name. Counts use the catalogue's plural forms: a template writes
`{% trans count=n %}...{% pluralize %}...{% endtrans %}` (Babel's ngettext).
"""

from __future__ import annotations

import re
from datetime import datetime

from babel import Locale
from babel.dates import format_datetime
from flask import Flask
from flask_babel import get_locale, gettext
from markupsafe import Markup, escape

from plugin.mail.language import install_translations, long_date, page_date, weekday

_ENGLISH = Locale("en")
# A placeholder the candidate fills in: "[one result they said matters most]".
PLACEHOLDER = re.compile(r"\[[^\[\]\n]+\]")
# Filled with text already escaped.
_PARAGRAPH = '<p style="margin:0 0 12px 0;">{}</p>'
_PLACEHOLDER_MARK = '<span style="background:#fff3c4;">{}</span>'


def init_app(app: Flask) -> None:
    """Make the helpers available to every template."""
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["page_date"] = page_date
    app.jinja_env.filters["weekday"] = weekday
    app.jinja_env.filters["draft_html"] = draft_html
    install_translations(app)  # after Flask-Babel's, which it replaces


def local_time(moment: datetime) -> str:
    """ "Sat 12 Dec, 8:00 am (America/Chicago)": the reader's time, zone named.

    The moment is already in the reader's zone; it is written as it stands.
    """
    locale = get_locale() or _ENGLISH
    # Translators: a Babel pattern (EEE short weekday, MMM short month, d day,
    # h:mm a 12-hour time, H:mm 24-hour time); quote literal words.
    pattern = gettext("EEE d MMM, h:mm a")
    shown = format_datetime(moment, pattern, tzinfo=moment.tzinfo, locale=locale)
    if locale.language == "en":  # our English writes am and pm in lower case
        shown = shown.replace(" AM", " am").replace(" PM", " pm")
    zone = getattr(moment.tzinfo, "key", None) or moment.strftime("%Z")
    return f"{shown} ({zone})"


def draft_html(body: str) -> Markup:
    """A draft's text as e-mail HTML: paragraphs, line breaks, placeholders marked."""
    paragraphs = [p for p in re.split(r"\n\s*\n", body.strip()) if p.strip()]
    # Built as plain text from escaped pieces: Markup's own format and join escape
    # every argument again, a dozen times a draft.
    return Markup("\n".join(_PARAGRAPH.format(_marked(p)) for p in paragraphs))


def _marked(paragraph: str) -> str:
    """The paragraph escaped, its placeholders marked, its line breaks kept."""
    pieces: list[str] = []
    last = 0
    for found in PLACEHOLDER.finditer(paragraph):
        pieces.append(escape(paragraph[last : found.start()]))
        pieces.append(_PLACEHOLDER_MARK.format(escape(found[0])))
        last = found.end()
    pieces.append(escape(paragraph[last:]))
    return "".join(pieces).replace("\n", "<br>\n")
