"""Bytes written directly are the `email` package's own, but for List-Unsubscribe."""

from __future__ import annotations

import random
import sys
from email import message_from_bytes
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plugin.mail.mime import HeaderValue, compose, header_lines

LONG_LINE = "Well done on your interview for the Payroll Specialist role. " * 3


def by_the_email_package(
    headers: list[tuple[str, HeaderValue]], text: str, html: str | None
) -> bytes:
    message = EmailMessage()
    for name, value in headers:
        message[name] = value
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message.as_bytes(policy=default)


def written_directly(
    headers: list[tuple[str, HeaderValue]], text: str, html: str | None
) -> bytes:
    return compose([header_lines(name, value) for name, value in headers], text, html)


def both(headers: list[tuple[str, HeaderValue]], text: str, html: str | None):
    """Each way, with the same random multipart boundary."""
    random.seed(7)
    theirs = by_the_email_package(headers, text, html)
    random.seed(7)
    return theirs, written_directly(headers, text, html)


def headers_for(
    name: str, subject: str, reply_to: HeaderValue | None = None
) -> list[tuple[str, HeaderValue]]:
    return [
        ("Subject", subject),
        ("From", Address("Northwind Coach", "coach", "northwind.example")),
        ("Message-ID", "<followup.1.0f3a@northwind.example>"),
        ("Date", "Tue, 01 Dec 2026 22:00:00 +0000"),
        ("To", Address(name, "dana.okafor", "example.org")),
        ("Reply-To", reply_to or Address("Sam Lee", "sam", "northwind.example")),
    ]


@pytest.mark.parametrize(
    ("name", "subject", "text", "html"),
    [
        ("Dana Okafor", "Your interview", "Hi Dana,\n\nWell done.\n", "<p>Hi</p>\n"),
        ("Zoë Ñúñez", "Tu entrevista: notas de agradecimiento", "Hola Zoë\n", None),
        ("Dr. Ana O'Hara, PhD", "Thanks " * 20, LONG_LINE, LONG_LINE),
        ("", "x", "中文 " * 40 + "\n" * 12, "<p>" + "é" * 300 + "</p>"),
        ("Dana", "=?utf-8?q?not_a_word?=", ".\nFrom here\n", "--\n.\n"),
    ],
)
def test_the_bytes_are_the_email_packages(name, subject, text, html):
    theirs, ours = both(headers_for(name, subject), text, html)

    assert ours == theirs


@pytest.mark.parametrize(
    "reply_to",
    [
        "jobs@northwind.example",
        "Northwind Jobs<jobs@northwind.example>",
        "Zoë <z@x.org>",
    ],
)
def test_a_firm_reply_to_given_as_text_is_the_email_packages(reply_to):
    theirs, ours = both(headers_for("Dana", "Hi", reply_to), "Hi\n", None)

    assert ours == theirs


@given(
    name=st.text(max_size=40).map(lambda s: " ".join(s.split())),
    subject=st.text(max_size=120).map(lambda s: " ".join(s.split())),
    text=st.text(max_size=400),
    with_html=st.booleans(),
)
def test_any_names_subjects_and_bodies_come_out_the_same(
    name, subject, text, with_html
):
    html = f"<p>{text}</p>" if with_html else None
    headers = headers_for(name, subject)
    try:
        random.seed(7)
        theirs = by_the_email_package(headers, text, html)
    except (ValueError, TypeError) as exc:  # both refuse what cannot be encoded
        with pytest.raises(type(exc)):
            written_directly(headers, text, html)
        return
    random.seed(7)

    assert written_directly(headers, text, html) == theirs


# Lines that quoted-printable must break: spaces, tabs and "=" land at the breaks.
LONG_QUOTED_LINES = st.lists(
    st.text(alphabet="a =\té", min_size=60, max_size=170), min_size=1, max_size=14
).map("\n".join)


@given(text=LONG_QUOTED_LINES, with_html=st.booleans())
def test_long_lines_are_quoted_as_the_email_package_quotes_them(text, with_html):
    html = f"<p>{text}</p>" if with_html else None

    theirs, ours = both(headers_for("Dana", "Hi"), text, html)

    assert ours == theirs


# Lines whose quoted-printable breaks fall on each special case: white space at
# the end with room for "=20", for a soft break, or neither; "=XX" across a break;
# one character either side of the longest line.
EDGE_LINES = [
    "a" * (length - 1) + end
    for length in (76, 77, 78, 79, 153, 154, 155, 156)
    for end in " \t"
] + ["a" * at + mark + "a" * 90 for at in range(72, 79) for mark in "=é"]
EDGE_LINES += ["a" * length for length in (78, 79, 80)]


@pytest.mark.parametrize("line", EDGE_LINES)
def test_each_break_of_a_quoted_line_is_the_email_packages(line):
    theirs, ours = both(headers_for("Dana", "Hi"), f"Hi\n{line}\nBye\n", None)

    assert ours == theirs


def first_boundary(seed: int) -> str:
    """The boundary both ways start from after `random.seed(seed)`."""
    random.seed(seed)
    return "=" * 15 + f"{random.randrange(sys.maxsize):019d}" + "=="


@pytest.mark.parametrize("line", ["--{}", "--{}--", "Hi --{}"])
def test_a_body_holding_the_boundary_gets_another(line):
    boundary = first_boundary(7)
    text = "Hi\n" + line.format(boundary) + "\n"

    theirs, ours = both(headers_for("Dana", "Hi"), text, "<p>Hi</p>\n")

    assert ours == theirs
    kept = line.startswith("Hi")  # not a line of its own: no clash
    assert (f'boundary="{boundary}"'.encode() in ours) is kept
    assert (f'boundary="{boundary}.0"'.encode() in ours) is not kept


def test_list_unsubscribe_stays_one_url_on_its_line():
    url = "https://coach.example/unsubscribe/eyJhIjoxfQ.awrwrA.PUJJ9UFmMnyo3FDcM-CG2"
    headers = [*headers_for("Dana", "Hi"), ("List-Unsubscribe", f"<{url}>")]

    theirs, ours = both(headers, "Hi\n", "<p>Hi</p>\n")

    assert f"List-Unsubscribe: <{url}>\n".encode() in ours
    parsed = [message_from_bytes(raw, policy=default) for raw in (theirs, ours)]
    # The email package folds it before the URL (or, longer, into encoded words),
    # which reads back with a leading space; written whole, it reads back as sent.
    assert parsed[1]["List-Unsubscribe"] == f"<{url}>"
    assert parsed[0]["List-Unsubscribe"].strip() == f"<{url}>"
    assert [p.as_string() for p in parsed[0].walk()][1:] == [
        p.as_string() for p in parsed[1].walk()
    ][1:]
