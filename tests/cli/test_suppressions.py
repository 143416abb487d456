"""`followup suppressions list|add|remove`; the list outlives `candidates forget`."""

from __future__ import annotations

import json

from plugin.operations.suppressions import is_suppressed
from tests.support.events import interview_event


def test_add_then_list_then_remove(runner):
    added = runner.invoke(args=["suppressions", "add", "Dana@Example.org"])
    again = runner.invoke(
        args=["suppressions", "add", "dana@example.org", "--reason", "complaint"]
    )
    listed = runner.invoke(args=["suppressions", "list"])
    removed = runner.invoke(args=["suppressions", "remove", "dana@example.org"])

    assert (added.exit_code, added.output) == (0, "Added to the suppression list.\n")
    assert again.output == "Already suppressed.\n"
    assert "manual" in listed.output and "dana" not in listed.output.lower()
    assert removed.output == "Removed from the suppression list.\n"
    assert not is_suppressed("dana@example.org")


def test_list_as_json(runner):
    runner.invoke(args=["suppressions", "add", "a@example.org", "--reason", "bounce"])

    listed = runner.invoke(args=["suppressions", "list", "--json"])

    (entry,) = json.loads(listed.output)
    assert entry["reason"] == "bounce"
    assert len(entry["address_hash"]) == 64
    assert set(entry) == {"address_hash", "reason", "created_at"}


def test_an_empty_list_says_so(runner):
    assert runner.invoke(args=["suppressions", "list"]).output == (
        "The suppression list is empty.\n"
    )
    assert runner.invoke(args=["suppressions", "list", "--json"]).output == "[]\n"


def test_bad_input_is_refused_clearly(runner):
    reason = runner.invoke(args=["suppressions", "add", "a@b.org", "--reason", "x"])
    address = runner.invoke(args=["suppressions", "add", "not an address"])
    absent = runner.invoke(args=["suppressions", "remove", "nobody@example.org"])

    assert reason.exit_code == 2 and "'bounce', 'complaint', 'manual'" in reason.output
    assert address.exit_code == 2 and "not an email address" in address.output
    assert absent.exit_code == 1 and "not on the suppression list" in absent.output


def test_the_list_outlives_forgetting_the_candidate(db, runner, post_event, run_jobs):
    post_event(interview_event())
    run_jobs()
    runner.invoke(args=["suppressions", "add", "dana@example.org"])

    forgot = runner.invoke(args=["candidates", "forget", "standard:c-881"])

    assert forgot.exit_code == 0
    assert is_suppressed("dana@example.org")
