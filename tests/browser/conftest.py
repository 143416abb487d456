"""A real server on loopback and headless Chromium (Debian's), driven by Playwright.

These run once, on the default database (a SQLite file): CI's second pass, on
PostgreSQL, skips them. Screenshots are kept in test-artifacts/.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from plugin import create_app
from tests.browser.chromium import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS
from tests.support.database import TEST_DATABASE_URL, empty_tables
from tests.support.ports import free_port

if TEST_DATABASE_URL:
    pytest.skip(
        "browser tests run once, on the default database", allow_module_level=True
    )
if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip(
        f"{CHROMIUM} is not installed (apt-get install chromium)",
        allow_module_level=True,
    )


@pytest.fixture
def served(request: pytest.FixtureRequest, settings: dict[str, Any]) -> Iterator[Flask]:
    """The app with inline jobs, served by a real HTTP server thread on loopback."""
    request.getfixturevalue("smtp")  # emails go to the test SMTP server
    port = free_port()
    settings["BASE_URL"] = f"http://127.0.0.1:{port}"
    app = create_app(settings)
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app
    server.shutdown()
    thread.join(timeout=10)
    empty_tables(app)


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=shutil.which(CHROMIUM) or CHROMIUM, args=CHROMIUM_FLAGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page; its last state is saved as a screenshot named after the test."""
    context = browser.new_context(viewport={"width": 420, "height": 900})
    tab = context.new_page()
    yield tab
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
