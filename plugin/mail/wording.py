"""Words that depend on a number or a zone, for every candidate email and page.

Templates call these so the wording stays in the templates: `plural(n, "day",
"days")` picks the form the language's plural rule asks for, and `local_time`
names the reader's zone beside each time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from flask import Flask
from markupsafe import Markup, escape

# A language's rule: which form a count takes. English and Spanish both use "one"
# for exactly 1 and "other" otherwise; a language with more forms adds its own.
PLURAL_RULES: dict[str, Callable[[int], str]] = {
    "en": lambda n: "one" if n == 1 else "other",
    "es": lambda n: "one" if n == 1 else "other",
}
DEFAULT_LANGUAGE = "en"
# A placeholder the candidate fills in: "[one result they said matters most]".
PLACEHOLDER = re.compile(r"\[[^\[\]\n]+\]")


def init_app(app: Flask) -> None:
    """Make the helpers available to every template."""
    app.jinja_env.globals["plural"] = plural
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["draft_html"] = draft_html


def plural(count: int, one: str, other: str, language: str = DEFAULT_LANGUAGE) -> str:
    """ "1 day", "3 days": the count with the form its language's rule picks."""
    rule = PLURAL_RULES.get(language, PLURAL_RULES[DEFAULT_LANGUAGE])
    return f"{count} {one if rule(count) == 'one' else other}"


def local_time(moment: datetime) -> str:
    """ "Sat 12 Dec, 8:00 am (America/Chicago)": the reader's time, zone named."""
    hour = moment.hour % 12 or 12
    half = "am" if moment.hour < 12 else "pm"
    zone = getattr(moment.tzinfo, "key", None) or moment.strftime("%Z")
    return f"{moment:%a} {moment.day} {moment:%b}, {hour}:{moment:%M} {half} ({zone})"


def draft_html(body: str) -> Markup:
    """A draft's text as e-mail HTML: paragraphs, line breaks, placeholders marked."""
    paragraphs = [p for p in re.split(r"\n\s*\n", body.strip()) if p.strip()]
    return Markup("\n").join(
        Markup('<p style="margin:0 0 12px 0;">{}</p>').format(_marked(paragraph))
        for paragraph in paragraphs
    )


def _marked(paragraph: str) -> Markup:
    pieces: list[Markup] = []
    last = 0
    for found in PLACEHOLDER.finditer(paragraph):
        pieces.append(escape(paragraph[last : found.start()]))
        pieces.append(
            Markup('<span style="background:#fff3c4;">{}</span>').format(found[0])
        )
        last = found.end()
    pieces.append(escape(paragraph[last:]))
    return Markup("").join(pieces).replace("\n", Markup("<br>\n"))
