"""Sources register by name through the `followup.sources` entry-point group."""

from __future__ import annotations

import logging

import pytest

import webhooks
from webhooks import PullSource, WebhookSource


class BrokenEntry:
    """An installed entry point whose module no longer imports."""

    name = "broken"

    def load(self):
        raise ImportError("gone")


@pytest.fixture
def fresh_registry(monkeypatch):
    monkeypatch.setattr(webhooks, "_registry", {})
    monkeypatch.setattr(webhooks, "_loaded", False)


def test_the_installed_entry_points_name_our_sources():
    names = {e.name for e in webhooks.entry_points(group="followup.sources")}

    assert {"standard", "bullhorn", "greenhouse"} <= names


def test_built_ins_load_when_entry_points_are_stale(
    fresh_registry, monkeypatch, caplog
):
    monkeypatch.setattr(webhooks, "entry_points", lambda group: [BrokenEntry()])

    with caplog.at_level(logging.ERROR):
        names = [source.name for source in webhooks.all_sources()]

    assert names == ["ashby", "bullhorn", "greenhouse", "lever", "standard"]
    assert "source entry point broken could not be loaded" in caplog.text


def test_push_and_pull_lookups_tell_the_kinds_apart():
    assert isinstance(webhooks.push_source("standard"), WebhookSource)
    assert webhooks.push_source("bullhorn") is None
    assert isinstance(webhooks.pull_source("bullhorn"), PullSource)
    assert webhooks.pull_source("standard") is None
