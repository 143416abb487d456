"""Every answer carries the security headers; pages use no inline styles."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from plugin.mail.links import PLAN_PAGE, make_token
from plugin.models import Application

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

EVENT = {
    "type": "interview.scheduled",
    "timestamp": "2026-12-01T09:12:00Z",
    "data": {
        "candidate": {"id": "c-1", "first_name": "Dana", "email": "dana@example.org"},
        "application": {"id": "a-1", "job_title": "Payroll Specialist"},
        "interview": {
            "id": "i-1",
            "starts_at": "2026-12-01T14:00:00-06:00",
            "ends_at": "2026-12-01T15:00:00-06:00",
        },
    },
}


def plan_path(db, post_event, run_jobs) -> str:
    assert post_event(EVENT).status_code == 202
    run_jobs()
    application = db.session.scalars(select(Application)).one()
    return f"/plan/{make_token(PLAN_PAGE, application.id)}"


def test_plan_page_cannot_be_framed_cached_or_leak_its_url(
    db, client, post_event, run_jobs
):
    page = client.get(plan_path(db, post_event, run_jobs))

    assert page.status_code == 200
    policy = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "style-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Cache-Control"] == "no-store"


def test_stylesheet_is_served_from_our_origin(client):
    page = client.get("/login")
    link = re.search(r'<link rel="stylesheet" href="([^"]+)"', page.get_data(True))

    assert link is not None and link.group(1).startswith("/static/")
    sheet = client.get(link.group(1))
    assert sheet.status_code == 200
    assert "text/css" in sheet.headers["Content-Type"]


def test_json_answers_carry_the_headers_too(client):
    answer = client.get("/healthz")

    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert "Strict-Transport-Security" not in answer.headers  # BASE_URL is http


def test_hsts_when_the_public_address_is_https(app, client):
    app.config["BASE_URL"] = "https://coach.example.com"

    answer = client.get("/healthz")

    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")


def test_no_page_template_has_inline_styles_or_scripts():
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if "email" not in path.parts
        and re.search(r"<style|style=|<script(?![^>]*\bsrc=)", path.read_text())
    ]

    assert offenders == []
