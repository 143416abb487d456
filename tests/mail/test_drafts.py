"""The drafts in the candidate's emails: one per person, angled to who they were."""

from __future__ import annotations

import html
import re
from itertools import combinations
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import select

from plugin.extensions import db
from plugin.models import Application
from plugin.operations.notes import save_note
from tests.support.cadence_emails import all_emails, folded, visible_text
from tests.support.events import DELETE
from tests.support.smtp import html_part, text_part

THANK_YOU = "Your Acme Logistics interview: thank-you notes to send"
CHECK_IN = "A short check-in with Acme Logistics"
# The hiring manager (named in the event), an in-house recruiter, a future peer.
PANEL = [
    {"name": "Lee Park", "title": "Payroll Manager", "email": "lee@acme.example"},
    {
        "name": "Zoë Ångström",
        "title": "Talent Acquisition Partner",
        "email": "zoe@acme.example",
    },
    {"name": "Dr. Ravi Menon", "title": "Senior Payroll Analyst"},
]
NAMES = ("Lee Park", "Zoë Ångström", "Ravi Menon", "Dana Okafor")
# Below this, two drafts share less than half of their distinct words.
MOST_WORDS_SHARED = 0.5


def drafts_of(message) -> dict[str, str]:
    """Each draft in the text part, by the name it is to: subject line and body."""
    blocks = text_part(message).split("---- To ")[1:]
    return {
        block.split(",")[0].split(" ----")[0]: block.split("----", 1)[1].split(
            "---- end of draft ----"
        )[0]
        for block in blocks
    }


def content_words(draft: str) -> set[str]:
    """The draft's distinct words once every person's name is taken out."""
    for name in NAMES:
        for word in name.split():
            draft = draft.replace(word, " ")
    return set(re.findall(r"[a-z0-9']+", draft.lower()))


def jaccard(one: set[str], other: set[str]) -> float:
    return len(one & other) / len(one | other)


def test_a_three_person_panel_gets_three_drafts_that_differ_in_substance(
    settings, tmp_path, smtp
):
    """Names removed, the drafts must still share less than half their words.

    Token-set Jaccard is a fair measure here: each distinct word counts once, so a
    long shared sign-off cannot drown a real difference, and with every name taken
    out a draft that only swapped the name would score 1.0. The drafts share the
    role, the employer and the courtesies by design; below 0.5 means most of what
    each one says is its own.
    """
    emails = all_emails(
        settings, tmp_path, smtp, **{"data.interview.interviewers": PANEL}
    )

    drafts = drafts_of(emails[THANK_YOU])
    assert list(drafts) == ["Lee Park", "Zoë Ångström", "Dr. Ravi Menon"]
    for (one, a), (other, b) in combinations(drafts.items(), 2):
        score = jaccard(content_words(a), content_words(b))
        print(f"Jaccard {one} / {other}: {score:.2f}")
        assert score < MOST_WORDS_SHARED, (one, other, round(score, 2))
    subjects = [
        re.search(r"Subject: (.+)", d).group(1).strip() for d in drafts.values()
    ]
    assert len(set(subjects)) == 3
    assert all("Payroll Specialist role" in subject for subject in subjects)


def test_each_draft_asks_for_what_matters_to_that_person(settings, tmp_path, smtp):
    emails = all_emails(
        settings, tmp_path, smtp, **{"data.interview.interviewers": PANEL}
    )

    drafts = {name: folded(d) for name, d in drafts_of(emails[THANK_YOU]).items()}
    manager, recruiter, peer = drafts.values()
    assert "[one result they said matters most in the first 90 days]" in manager
    assert "culture or ways of working]" in recruiter
    assert "[a project or part of their day they described]" in peer
    assert "Dear Lee," in manager and "Hi Zoë," in recruiter and "Hi Ravi," in peer
    assert "Subject: Thank you for our conversation about the Payroll" in manager
    assert "Subject: Thank you for walking me through the process" in recruiter
    assert "Subject: Thanks for telling me about the team" in peer


def test_full_name_salutations_when_the_firm_asks(settings, tmp_path, smtp):
    emails = all_emails(
        settings,
        tmp_path,
        smtp,
        policy_toml='[drafts]\nsalutation = "full_name"\n',
        **{"data.interview.interviewers": PANEL},
    )

    plain = text_part(emails[THANK_YOU])
    assert "Dear Lee Park," in plain and "Hi Zoë Ångström," in plain
    assert "Hi Dr. Ravi Menon," in plain
    assert "Dear Lee Park," in text_part(emails[CHECK_IN])


def test_saved_notes_replace_the_placeholders(settings, tmp_path, smtp):
    def notes(app):
        application = db.session.scalars(select(Application)).one()
        save_note(application, "Lee Park", "closing payroll in two days.", "", False)
        save_note(application, "zoë  ångström", "", "i love a team that writes", True)

    emails = all_emails(
        settings,
        tmp_path,
        smtp,
        before_ticks=notes,
        **{"data.interview.interviewers": PANEL},
    )

    drafts = {name: folded(d) for name, d in drafts_of(emails[THANK_YOU]).items()}
    manager, recruiter, peer = drafts.values()
    assert "especially closing payroll in two days." in manager
    assert "[one result they said matters most" not in manager
    assert "[One result you delivered" in manager  # no note for this one
    assert "I love a team that writes. I'm keen" in recruiter
    assert "[a project or part of their day" in peer
    assert "closing payroll" in visible_text(emails[THANK_YOU])


def test_mailto_links_carry_each_draft_when_addresses_may_be_shared(
    settings, tmp_path, smtp
):
    emails = all_emails(
        settings,
        tmp_path,
        smtp,
        policy_toml="share_contact_emails = true\n",
        **{"data.interview.interviewers": PANEL},
    )

    message = emails[THANK_YOU]
    links = re.findall(r'href="(mailto:[^"]+)"', html_part(message))
    assert len(links) == 2  # Ravi Menon has no address in the event
    first = urlsplit(links[0].replace("&amp;", "&"))
    assert unquote(first.path) == "lee@acme.example"
    fields = parse_qs(first.query)
    assert fields["subject"] == [
        "Thank you for our conversation about the Payroll Specialist role"
    ]
    assert "\r\n\r\nThank you for meeting with me" in fields["body"][0]
    assert " " not in first.query and "\n" not in first.query  # all percent-encoded
    for link in links:
        assert link.replace("&amp;", "&") in text_part(message)


def test_no_mailto_links_when_addresses_stay_private(settings, tmp_path, smtp):
    emails = all_emails(
        settings, tmp_path, smtp, **{"data.interview.interviewers": PANEL}
    )

    for message in emails.values():
        assert "mailto:" not in html_part(message)
        assert "lee@acme.example" not in text_part(message)


def test_check_in_offers_a_phone_script_when_calls_are_fine(settings, tmp_path, smtp):
    emails = all_emails(
        settings, tmp_path, smtp, **{"data.application.hiring_manager.ok_to_call": True}
    )

    plain = folded(text_part(emails[CHECK_IN]))
    rich = visible_text(emails[CHECK_IN])
    for part in (plain, rich):
        assert "A short call to Lee Park" in part
        assert "I'm calling to follow up" in part
        assert "If you would rather write" in part


def test_check_in_has_no_phone_script_unless_calls_are_fine(settings, tmp_path, smtp):
    emails = all_emails(settings, tmp_path, smtp)

    for part in (text_part(emails[CHECK_IN]), visible_text(emails[CHECK_IN])):
        assert "A short call" not in part and "calling" not in part


def test_the_text_part_loses_nothing_the_html_part_has(settings, tmp_path, smtp):
    """Every link, every draft (whole) and every word a reader of the HTML part
    sees is in the text part too; only the buttons are worded differently."""
    emails = all_emails(
        settings,
        tmp_path,
        smtp,
        policy_toml="share_contact_emails = true\n",
        **{
            "data.interview.interviewers": PANEL,
            "data.application.hiring_manager.ok_to_call": True,
        },
    )

    assert len(emails) == 4
    for subject, message in emails.items():
        plain, rich = folded(text_part(message)), _body_text(message)
        for link in re.findall(r'href="([^"]+)"', html_part(message)):
            assert link.replace("&amp;", "&") in plain, (subject, link)
        drafts = drafts_of(message).values()
        assert rich.count("Subject: ") == plain.count("Subject: ") == len(drafts)
        for draft in drafts:
            body = folded(draft).strip()
            assert body.split("Subject: ", 1)[1] in rich, subject
        for button in BUTTONS:  # the text part gives their links bare
            rich = rich.replace(button, " ")
        assert _words(rich) - _words(plain) == set(), subject


# The HTML part's buttons; their links are checked above.
BUTTONS = ("Open this draft in your email app", "Open your plan")


def _body_text(message) -> str:
    """What a reader of the HTML part sees in the message (the <head> left out)."""
    body = re.sub(r"(?s)<head>.*</head>", " ", html_part(message))
    text = folded(html.unescape(re.sub(r"<[^>]+>", " ", body)))
    return re.sub(r" ([.,;:!?])", r"\1", text)  # "[brackets] ." was "[brackets]."


def _words(text: str) -> set[str]:
    return set(re.findall(r"[\w']+", text.lower()))


def test_one_day_reads_as_one_day(settings, tmp_path, smtp):
    emails = all_emails(
        settings,
        tmp_path,
        smtp,
        policy_toml="[check_in]\ndefault_deadline_days = 1\n",
        **{"data.application.decision_deadline": DELETE},
    )

    for part in (text_part(emails[CHECK_IN]), visible_text(emails[CHECK_IN])):
        assert "we waited 1 day after your last interview" in folded(part)
        assert "1 days" not in part
