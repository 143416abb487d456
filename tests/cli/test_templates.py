"""`followup templates check`, and firm templates in TEMPLATES_DIR winning over ours."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import render_template

from plugin import create_app

# A firm's own, translated stand-ins for two emails: the clean case with overrides.
TRANSLATED_BODY = """{% extends "email/layout.EXT" %}
{% block body %}{% trans %}Hi {{ first_name }},{% endtrans %}
{% trans %}You can change anything on your plan page at any time.{% endtrans %}
{% endblock %}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def firm_templates(settings, tmp_path):
    folder = tmp_path / "firm-templates"
    for name in ("thank_you", "check_in"):
        for ext in ("txt", "html"):
            write(folder, f"email/{name}.{ext}", TRANSLATED_BODY.replace("EXT", ext))
    settings["TEMPLATES_DIR"] = str(folder)
    return folder


def check(settings):
    return create_app(settings).test_cli_runner().invoke(args=["templates", "check"])


def test_a_clean_set_passes(firm_templates, settings):
    result = check(settings)

    assert (result.exit_code, result.output) == (0, "templates: no problems\n")


def test_our_own_templates_pass(settings, tmp_path):
    settings["TEMPLATES_DIR"] = str(tmp_path / "nowhere")  # a missing folder is fine

    result = check(settings)

    assert (result.exit_code, result.output) == (0, "templates: no problems\n")


def test_a_syntax_error_is_reported_with_file_and_line(firm_templates, settings):
    broken = write(
        firm_templates,
        "email/move_on.txt",
        '{% extends "email/layout.txt" %}\n{% block body %}\n'
        "{% if %}\n{% endblock %}\n",
    )

    result = check(settings)

    assert result.exit_code == 1
    assert f"{broken}:3: " in result.output


def test_an_error_while_rendering_is_reported_with_file_and_line(
    firm_templates, settings
):
    broken = write(
        firm_templates,
        "email/move_on.html",
        '{% extends "email/layout.html" %}\n{% block body %}\n\n{{ 1 // 0 }}\n'
        "{% endblock %}\n",
    )

    result = check(settings)

    assert result.exit_code == 1
    assert f"{broken}:4: cannot be rendered in en: ZeroDivisionError" in result.output


def test_an_email_without_the_postal_address_or_unsubscribe_link_is_reported(
    firm_templates, settings
):
    write(
        firm_templates,
        "email/move_on.txt",
        "{% trans %}You can change anything on your plan page at any time."
        "{% endtrans %}\n{{ plan_url }}\n",
    )

    lines = check(settings).output.splitlines()

    assert "email/move_on.text: no postal address of the firm (en)" in lines
    assert "email/move_on.text: no unsubscribe link (es)" in lines
    assert not any(line.startswith("email/move_on.html") for line in lines)


def test_english_left_in_the_spanish_render_is_reported(firm_templates, settings):
    write(
        firm_templates,
        "email/move_on.txt",
        '{% extends "email/layout.txt" %}\n{% block body %}'
        "Thanks for everything, {{ first_name }}: we will be in touch soon."
        "{% endblock %}\n",
    )

    result = check(settings)

    assert result.exit_code == 1
    assert result.output == (
        "email/move_on: untranslated in es: "
        "'Thanks for everything, Dana: we will be in touch soon.'\n"
    )


def test_a_firm_template_wins_over_ours(firm_templates, settings):
    write(firm_templates, "email/move_on_subject.txt", "Northwind: all done here\n")
    app = create_app(settings)

    with app.test_request_context():
        subject = render_template("email/move_on_subject.txt", employer="Acme")
        ours = render_template("email/offer_guidance_subject.txt", employer="Acme")

    assert subject.strip() == "Northwind: all done here"
    assert ours.strip() == "Your other offer: how to tell Acme"
