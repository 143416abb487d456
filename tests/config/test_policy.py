"""The firm policy file: every bad key named, defaults overridden, the example valid."""

from __future__ import annotations

import pytest

from plugin.config.policy import PolicyError
from plugin.config.policy_file import load_policy


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("[firm]\nnmae = 'typo'\n", "firm.nmae"),
        ("[thank_you]\ndelay_minutes = 'soon'\n", "thank_you.delay_minutes"),
        ("[thank_you]\ndelay_minutes = true\n", "thank_you.delay_minutes"),
        ("[thank_you]\ndelay_minutes = -5\n", "thank_you.delay_minutes"),
        ("[quiet_hours]\nstart = '9pm'\n", "quiet_hours.start"),
        ("[firm]\ntimezone = 'Mars/Base'\n", "firm.timezone"),
        ("firm = 3\n", "firm"),
        ("[surprise]\n", "surprise"),
        ("[routing]\nmode = 'carrier pigeon'\n", "routing.mode"),
        ("[check_in]\ndays_after_deadline = 2\n", "check_in.days_after_deadline"),
        ("[business_days]\nweekdays = [0, 1]\n", "business_days.weekdays"),
        ("[business_days]\nweekdays = []\n", "business_days.weekdays"),
        ("[business_days]\nholidays = ['Christmas']\n", "business_days.holidays[0]"),
        ("[business_days]\nholidays = '2026-12-25'\n", "business_days.holidays"),
        ("[handwritten_note]\nenabled = 'yes'\n", "handwritten_note.enabled"),
        ("[retention]\ndays = 0\n", "retention.days"),
        (
            "[digest]\nrepeat_unchanged_after_days = 0\n",
            "digest.repeat_unchanged_after_days",
        ),
        (
            "[digest]\nrepeat_unchanged_after_days = 'weekly'\n",
            "digest.repeat_unchanged_after_days",
        ),
        ("[drafts]\nsalutation = 'Sir'\n", "drafts.salutation"),
        ("[drafts]\nsalutation = 1\n", "drafts.salutation"),
    ],
)
def test_invalid_policy_names_the_bad_key(tmp_path, toml, key):
    path = tmp_path / "policy.toml"
    path.write_text(toml)

    with pytest.raises(PolicyError) as error:
        load_policy(path)

    assert str(error.value).startswith(key)


def test_policy_that_is_not_toml_is_refused(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text("this is = = not toml")

    with pytest.raises(PolicyError, match="not valid TOML"):
        load_policy(path)


def test_every_section_of_the_example_policy_loads():
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "policy.example.toml"

    policy = load_policy(example)

    assert policy.firm.postal_address
    assert policy.business_days.holidays
    assert policy.digest.repeat_unchanged_after_days == 7


def test_policy_values_override_defaults(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text("[thank_you]\ndelay_minutes = 90\n[quiet_hours]\nstart = '22:30'\n")

    policy = load_policy(path)

    assert policy.thank_you.delay_minutes == 90
    assert policy.quiet_hours.start.isoformat() == "22:30:00"
    assert policy.quiet_hours.end.isoformat() == "08:00:00"


def test_the_digest_repeat_rhythm_defaults_to_a_week_and_can_be_set(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text("[digest]\nrepeat_unchanged_after_days = 3\n")

    assert load_policy(None).digest.repeat_unchanged_after_days == 7
    assert load_policy(path).digest.repeat_unchanged_after_days == 3


def test_drafts_greet_by_first_name_unless_the_firm_says_full_name(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text("[drafts]\nsalutation = 'full_name'\n")

    assert load_policy(None).drafts.salutation == "first_name"
    assert load_policy(path).drafts.salutation == "full_name"
