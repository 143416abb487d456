"""Names and addresses are data: headers stay one clean line, domains go out in IDNA."""

from __future__ import annotations

import pytest

from plugin.mail.messages import header_text, mailbox
from plugin.mail.transport import UnbuildableMessageError


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Dana\r\nBcc: all@example.org", "Dana Bcc: all@example.org"),
        ("Dana\u2028Okafor\t\x00", "Dana Okafor"),
        ("Zoë \ud800 O'Hara", "Zoë O'Hara"),
        ("  Ana   María ", "Ana María"),
        ("  Dana   Okafor ", "Dana Okafor"),
        ("Dana\x7fOkafor\x1b", "DanaOkafor"),
        (None, ""),
    ],
)
def test_header_text_is_one_clean_line(raw, clean):
    assert header_text(raw) == clean


def test_header_text_is_bounded():
    assert len(header_text("x" * 5000)) == 200


def test_domains_are_encoded_in_idna():
    address = mailbox("Dana", "dana@Bücher.Example")

    assert address.addr_spec == "dana@xn--bcher-kva.example"


def test_a_name_with_line_breaks_stays_in_the_display_name():
    address = mailbox("Dana\r\nBcc: all@example.org", "dana@example.org")

    assert address.display_name == "Dana Bcc: all@example.org"
    assert "\n" not in str(address)


@pytest.mark.parametrize(
    "bad", ["", "dana", "@example.org", "dana@", "da na@example.org", "d\nx@e.org"]
)
def test_unusable_addresses_cannot_be_built(bad):
    with pytest.raises(UnbuildableMessageError):
        mailbox("Dana", bad)
