"""The suppression list: keyed hashes of normalised addresses, reasons, rotation."""

from __future__ import annotations

import pytest

from plugin.models import Suppression
from plugin.operations.suppressions import (
    SUPPRESSION_REASONS,
    is_suppressed,
    list_suppressions,
    normalise_address,
    suppress,
    unsuppress,
)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("  Dana@Example.ORG ", "dana@example.org"),
        ("dana@Bücher.example", "dana@xn--bcher-kva.example"),
        ("DÄNÄ@example.org", "dänä@example.org"),
    ],
)
def test_addresses_are_compared_in_one_form(raw, normal):
    assert normalise_address(raw) == normal


@pytest.mark.parametrize(
    "bad", ["", "dana", "@example.org", "dana@", "Dana <dana@example.org>", "a b@c.d"]
)
def test_what_is_not_an_address_is_refused(bad):
    with pytest.raises(ValueError):
        normalise_address(bad)


def test_suppress_says_whether_the_address_is_new(db):
    assert suppress("dana@example.org", "complaint") is True
    assert suppress("DANA@example.org", "manual") is False

    (entry,) = list_suppressions()
    assert entry.reason == "complaint"
    assert is_suppressed("Dana@Example.org")
    assert not is_suppressed("ravi@example.org")


def test_an_unknown_reason_is_a_value_error(db):
    with pytest.raises(ValueError, match="reason must be one of"):
        suppress("dana@example.org", "spam")
    assert SUPPRESSION_REASONS == ("bounce", "complaint", "manual")
    assert list_suppressions() == []


def test_unsuppress_says_whether_it_removed_anything(db):
    suppress("dana@example.org", "bounce")

    assert unsuppress(" dana@EXAMPLE.org") is True
    assert unsuppress("dana@example.org") is False
    assert not is_suppressed("dana@example.org")


def test_only_a_keyed_hash_is_stored(db):
    suppress("dana@example.org", "manual")

    (entry,) = db.session.query(Suppression).all()
    assert len(entry.address_hash) == 64
    assert "dana" not in entry.address_hash


def test_entries_survive_a_secret_key_rotation(app, db):
    suppress("dana@example.org", "bounce")
    app.config["SECRET_KEY_FALLBACKS"] = [app.config["SECRET_KEY"]]
    app.config["SECRET_KEY"] = "a brand new key"

    assert is_suppressed("dana@example.org")
    assert suppress("dana@example.org", "manual") is False
    assert unsuppress("dana@example.org") is True


def test_the_hash_depends_on_the_key(app, db):
    suppress("dana@example.org", "bounce")
    app.config["SUPPRESSION_KEY"] = "a dedicated key"

    assert not is_suppressed("dana@example.org")
