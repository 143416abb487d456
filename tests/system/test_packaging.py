"""A plain `pip install .` ships the code, the templates and the migrations."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_ships_templates_and_migrations(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("followup_coach-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    expected = {
        "templates/email/thank_you.html",
        "templates/email/thank_you.txt",
        "templates/email/layout.html",
        "plugin/migrations/env.py",
        "plugin/migrations/alembic.ini",
        "plugin/migrations/script.py.mako",
        "webhooks/standard.py",
        "plugin/static/app.css",
        "plugin/translations/es/LC_MESSAGES/messages.mo",
        "templates/email/move_on_subject.txt",
        "templates/brand.css",
        "plugin/static/copy.js",
        "templates/email/drafts/thank_you.txt",
        "templates/plan/notes_saved.txt",
    }
    assert expected <= names
    assert any(n.startswith("plugin/migrations/versions/") for n in names)
    assert not any(n.startswith("tests/") for n in names)
