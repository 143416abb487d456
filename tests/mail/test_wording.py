"""Times with their zone, in the reader's language, and drafts as e-mail HTML."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale
from markupsafe import Markup

from plugin.mail.drafts import as_phrase, as_sentence, mailto, salutation_name
from plugin.mail.language import long_date
from plugin.mail.wording import draft_html, local_time


def test_a_time_is_shown_in_the_readers_zone_with_the_zone_named():
    moment = datetime(2027, 3, 2, 23, 0, tzinfo=UTC)

    shown = local_time(moment.astimezone(ZoneInfo("America/Chicago")))

    assert shown == "Tue 2 Mar, 5:00 pm (America/Chicago)"
    noon = datetime(2026, 7, 1, 12, 5, tzinfo=ZoneInfo("Europe/Madrid"))
    assert local_time(noon) == "Wed 1 Jul, 12:05 pm (Europe/Madrid)"


def test_a_time_and_a_day_are_written_in_the_readers_language(app):
    moment = datetime(2027, 3, 2, 17, 0, tzinfo=ZoneInfo("America/Mexico_City"))

    with app.test_request_context(), force_locale("es"):
        shown, day = local_time(moment), long_date(moment.date())

    assert shown == "mar 2 de mar, 17:00 (America/Mexico_City)"
    assert day == "martes 2 de marzo"


def test_a_draft_in_html_is_escaped_and_its_placeholders_marked():
    rendered = str(draft_html("Dear <b>Lee</b>,\n\nI liked [the team].\nBest"))

    assert "&lt;b&gt;Lee&lt;/b&gt;" in rendered and "<b>" not in rendered
    assert '<span style="background:#fff3c4;">[the team]</span>' in rendered
    assert rendered.count("<p ") == 2 and "<br>" in rendered


def test_a_draft_in_html_is_exactly_its_escaped_paragraphs():
    body = "Hi <Lee> & co,\n\n[one & <two>] here\nnext [x]\n \n\n\nBye [\n]"

    rendered = draft_html(body)

    paragraph = '<p style="margin:0 0 12px 0;">'
    mark = '<span style="background:#fff3c4;">'
    assert isinstance(rendered, Markup)
    assert rendered == (
        f"{paragraph}Hi &lt;Lee&gt; &amp; co,</p>\n"
        f"{paragraph}{mark}[one &amp; &lt;two&gt;]</span> here<br>\n"
        f"next {mark}[x]</span></p>\n"
        f"{paragraph}Bye [<br>\n]</p>"
    )


@pytest.mark.parametrize(
    ("name", "style", "expected"),
    [
        ("Zoë Ångström", "first_name", "Zoë"),
        ("Zoë Ångström", "full_name", "Zoë Ångström"),
        ("Dr. Ravi Menon", "first_name", "Ravi"),
        ("  Mary   Ann  Lee ", "full_name", "Mary Ann Lee"),
        ("Prince", "first_name", "Prince"),
        ("Dr.", "first_name", "Dr."),
    ],
)
def test_salutations_follow_the_policy(name, style, expected):
    assert salutation_name(name, style) == expected


def test_notes_read_naturally_inside_a_draft():
    assert as_phrase("  the Q3 close.\n") == "the Q3 close"
    assert as_sentence("i ran payroll for 400 people") == (
        "I ran payroll for 400 people."
    )
    assert as_sentence("Really?") == "Really?"
    assert as_phrase("   ") is None and as_sentence(None) is None


def test_mailto_encodes_every_reserved_character():
    link = mailto("lee@acme.example", "Q&A: 100% yes?", "Line one\nLine #2")

    assert link == (
        "mailto:lee@acme.example?subject=Q%26A%3A%20100%25%20yes%3F"
        "&body=Line%20one%0D%0ALine%20%232"
    )
    assert mailto(None, "subject", "body") is None
