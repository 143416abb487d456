"""`[branding]`: the colour through /brand.css, the logo allowed by img-src only."""

from __future__ import annotations

import re

import pytest
from flask import render_template
from flask_babel import force_locale

from plugin import create_app
from plugin.config import ConfigError
from plugin.config.policy import PolicyError
from plugin.config.policy_file import policy_from_mapping
from plugin.mail.language import localized_context
from plugin.operations.template_check import sample_email_context

BRANDING = """
[branding]
colour = "#0A7B55"
logo_url = "https://cdn.northwind.example:8443/brand/logo.png"
"""


@pytest.fixture
def branded(settings, tmp_path):
    policy = tmp_path / "branded.toml"
    original = open(settings["POLICY_FILE"], encoding="utf-8").read()
    policy.write_text(original + BRANDING, encoding="utf-8")
    settings["POLICY_FILE"] = str(policy)
    return settings


def test_the_brand_stylesheet_carries_the_colour(branded, redis):
    client = create_app(branded).test_client()

    sheet = client.get("/brand.css")

    assert sheet.status_code == 200 and "text/css" in sheet.headers["Content-Type"]
    assert "--brand:#0A7B55;" in sheet.get_data(as_text=True)
    assert "--brand-dark:#085c40;" in sheet.get_data(as_text=True)
    assert "max-age=3600" in sheet.headers["Cache-Control"]


def test_the_csp_allows_the_logo_origin_and_nothing_else(branded, redis):
    client = create_app(branded).test_client()

    page = client.get("/login")
    policy = page.headers["Content-Security-Policy"]

    img_src = re.search(r"img-src ([^;]+)", policy).group(1).split()
    assert img_src == ["'self'", "data:", "https://cdn.northwind.example:8443"]
    assert "style-src 'self';" in policy


def test_pages_link_the_brand_stylesheet_and_show_the_logo_without_inline_style(
    branded, redis
):
    client = create_app(branded).test_client()

    body = client.get("/").get_data(as_text=True)

    assert '<link rel="stylesheet" href="/brand.css">' in body
    assert 'src="https://cdn.northwind.example:8443/brand/logo.png"' in body
    assert "style=" not in body and "<style" not in body


def test_without_a_logo_the_csp_is_unchanged(client):
    policy = client.get("/").headers["Content-Security-Policy"]

    assert "img-src 'self' data:;" in policy
    assert "--brand:#1f5fa8;" in client.get("/brand.css").get_data(as_text=True)


@pytest.mark.parametrize(
    ("branding", "key"),
    [
        ({"colour": "#12345"}, "branding.colour"),
        ({"colour": "#1234567"}, "branding.colour"),
        ({"colour": "red"}, "branding.colour"),
        ({"colour": "#12345g"}, "branding.colour"),
        ({"colour": "#123456;x:y"}, "branding.colour"),
        ({"logo_url": "http://cdn.example.com/logo.png"}, "branding.logo_url"),
        ({"logo_url": "https://cdn.example.com/a b.png"}, "branding.logo_url"),
        ({"logo_url": "https://cdn.example.com/x';"}, "branding.logo_url"),
        ({"logo_url": "https://user@cdn.example.com/x"}, "branding.logo_url"),
        ({"logo_url": "https://cdn.example.com:99999/x"}, "branding.logo_url"),
        ({"logo_url": "javascript:alert(1)"}, "branding.logo_url"),
    ],
)
def test_a_bad_branding_key_is_refused_by_name(branding, key):
    with pytest.raises(PolicyError, match=re.escape(key)):
        policy_from_mapping({"branding": branding})


def test_a_language_we_do_not_ship_is_refused_as_the_firms(settings, tmp_path):
    policy = tmp_path / "fr.toml"
    policy.write_text('[firm]\nlanguage = "fr"\n', encoding="utf-8")
    settings["POLICY_FILE"] = str(policy)

    with pytest.raises(ConfigError, match="firm.language"):
        create_app(settings)


def test_emails_carry_the_colour_inline_and_the_logo(branded, redis):
    app = create_app(branded)
    with app.test_request_context(), force_locale("en"):
        context = localized_context("move_on", sample_email_context())
        body = render_template("email/move_on.html", **context)

    assert "background:#0A7B55;" in body
    assert '<img src="https://cdn.northwind.example:8443/brand/logo.png"' in body
