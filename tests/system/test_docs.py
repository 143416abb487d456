"""The docs stay honest: commands, settings and event types documented; links work.

Cheap checks of `README.md` and `docs/`: no database, no server.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from flask.cli import ScriptInfo

from plugin import create_app
from plugin.cli import main
from plugin.config import ENV_NAMES
from webhooks.schema import EVENT_TYPES

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
OPERATIONS = DOCS / "operations.md"
EVENTS = DOCS / "events.md"

# [text](target): the target up to the first space or closing parenthesis.
MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)[^)]*\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def markdown_files() -> list[Path]:
    """README.md and every page under docs/."""
    return [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]


def command_paths(group: click.Group, ctx: click.Context, prefix: str) -> Iterator[str]:
    """Every command under `group`, as typed: "followup events list"."""
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        path = f"{prefix} {name}"
        yield path
        if isinstance(command, click.Group):
            yield from command_paths(command, ctx, path)


def all_commands(tmp_path: Path) -> list[str]:
    """The commands `followup --help` lists, and theirs, on the embedded default."""
    app = create_app({"DATA_DIR": str(tmp_path), "TICK_INTERVAL": "0"})
    info = ScriptInfo(create_app=lambda: app)
    with main.make_context("followup", [], obj=info, resilient_parsing=True) as ctx:
        return list(command_paths(main, ctx, "followup"))


def test_every_command_and_sub_command_is_in_the_operations_guide(tmp_path):
    guide = OPERATIONS.read_text(encoding="utf-8")
    commands = all_commands(tmp_path)

    missing = [path for path in commands if f"`{path}" not in guide]

    # The CLI really was read: the verbs and a nested sub-command are there.
    assert {"followup run", "followup tick", "followup events replay"} <= set(commands)
    assert missing == []


def test_every_environment_variable_read_is_in_the_operations_guide():
    guide = OPERATIONS.read_text(encoding="utf-8")

    missing = [name for name in ENV_NAMES if f"`{name}`" not in guide]

    assert missing == []


def test_every_event_type_the_schema_accepts_is_in_the_event_format():
    format_doc = EVENTS.read_text(encoding="utf-8")

    missing = [kind for kind in EVENT_TYPES if f"`{kind}`" not in format_doc]

    assert EVENT_TYPES
    assert missing == []


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, no punctuation, hyphens."""
    text = heading.strip().lower().replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """The anchors of every heading on a Markdown page (code blocks left out)."""
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    return {slug(m) for m in re.findall(r"^#{1,6} +(.+?) *#*$", text, re.MULTILINE)}


def relative_links(page: Path) -> Iterator[str]:
    """Link targets on a page that point inside the repository."""
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    for target in MARKDOWN_LINK.findall(text):
        if not re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
            yield target


def broken_link(page: Path, target: str) -> str | None:
    """Why a link from `page` does not resolve, or None when it does."""
    path_part, _, anchor = target.partition("#")
    linked = (page.parent / path_part).resolve() if path_part else page
    if not linked.exists():
        return "no such file"
    if ROOT not in linked.parents and linked != ROOT:
        return "outside the repository"
    if anchor and linked.suffix == ".md" and anchor not in anchors(linked):
        return f"no heading #{anchor}"
    return None


@pytest.mark.parametrize("page", markdown_files(), ids=lambda p: p.name)
def test_every_relative_link_resolves_inside_the_repository(page):
    problems = {
        target: why
        for target in relative_links(page)
        if (why := broken_link(page, target)) is not None
    }

    assert problems == {}


def test_the_docs_exist_and_the_readme_links_each_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    for page in ("architecture.md", "events.md", "operations.md"):
        assert (DOCS / page).is_file()
        assert f"(docs/{page})" in readme


def test_a_broken_link_is_caught():
    # The link check must be able to fail: a page with a dead link and a bad anchor.
    page = DOCS / "architecture.md"

    assert broken_link(page, "no-such-page.md") == "no such file"
    assert broken_link(page, "events.md#nowhere") == "no heading #nowhere"
    assert broken_link(page, "events.md#signing") is None
