"""Checking the templates before a firm ships a change (`followup templates check`).

Every template is compiled; every email and page we can fill with sample data is
rendered in each shipped language, with the firm's TEMPLATES_DIR overrides applied.
Problems: template errors (file and line), a candidate email without the firm's
postal address (CAN-SPAM) or the unsubscribe link, and text the Spanish render
leaves in English.
"""

from __future__ import annotations

import html
import re
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from flask import Flask, render_template
from flask_babel import force_locale
from jinja2 import TemplateSyntaxError

from plugin.config import firm_policy
from plugin.config.policy import LANGUAGES
from plugin.mail.language import localized_context
from plugin.operations.template_samples import (
    SAMPLE_ADDRESS,
    SAMPLE_UNSUBSCRIBE,
    page_samples,
    sample_email_context,
    sample_facts,
)

CANDIDATE_EMAILS = (
    "thank_you",
    "handwritten_note",
    "check_in",
    "move_on",
    "offer_guidance",
    "report_received",
)
# A line still in English needs at least this many words: shorter ones are names.
UNTRANSLATED_MIN_WORDS = 3
_WORD = re.compile(r"[^\W\d_]{2,}")
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class TemplateProblem:
    """One problem, printed as one line: `file:line: message`."""

    template: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.template}:{self.line}" if self.line else self.template
        return f"{where}: {self.message}"


def check_templates(app: Flask) -> list[TemplateProblem]:
    """Every problem found in the app's templates (firm overrides first)."""
    problems = _compile_all(app)
    broken = {problem.template for problem in problems}
    renders: dict[str, dict[str, str]] = {}
    with app.test_request_context():
        for name, render in _renderers().items():
            for language in LANGUAGES:
                with force_locale(language):
                    try:
                        renders.setdefault(name, {})[language] = render()
                    except TemplateSyntaxError as exc:
                        if exc.filename not in broken:  # else reported above
                            problems.append(_render_problem(name, language, exc))
                    except Exception as exc:  # noqa: BLE001  (reported, not raised)
                        problems.append(_render_problem(name, language, exc))
        problems += _missing_footer(renders)
    problems += _untranslated(renders)
    return list(dict.fromkeys(problems))


def _compile_all(app: Flask) -> list[TemplateProblem]:
    problems = []
    for name in app.jinja_env.list_templates(extensions=("html", "txt", "css")):
        try:
            app.jinja_env.get_template(name)
        except TemplateSyntaxError as exc:
            where = exc.filename or name
            problems.append(TemplateProblem(where, exc.message or "syntax", exc.lineno))
    return problems


def _render_problem(name: str, language: str, exc: Exception) -> TemplateProblem:
    """Where in which template rendering failed, from the rendered frames."""
    frames = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if frame.filename.endswith((".html", ".txt", ".css"))
    ]
    message = f"cannot be rendered in {language}: {type(exc).__name__}: {exc}"
    if isinstance(exc, TemplateSyntaxError):
        return TemplateProblem(exc.filename or name, message, exc.lineno)
    if frames:
        return TemplateProblem(frames[-1].filename, message, frames[-1].lineno)
    return TemplateProblem(name, message)


def _renderers() -> dict[str, Callable[[], str]]:
    """What to render, by the name problems are reported under."""
    renderers: dict[str, Callable[[], str]] = {}
    for name in CANDIDATE_EMAILS:
        renderers[f"email/{name}"] = _email_renderer(name)
    for page, context in page_samples().items():
        renderers[page] = _page_renderer(page, context)
    return renderers


def _email_renderer(name: str) -> Callable[[], str]:
    def render() -> str:
        context = localized_context(name, sample_email_context())
        text = render_template(f"email/{name}.txt", **context)
        body = render_template(f"email/{name}.html", **context)
        # Parts joined with markers, so each part is checked on its own.
        return f"{context['subject']}\n\0text\n{text}\n\0html\n{body}"

    return render


def _page_renderer(page: str, context: dict[str, Any]) -> Callable[[], str]:
    return lambda: render_template(page, **context)


def _missing_footer(renders: dict[str, dict[str, str]]) -> list[TemplateProblem]:
    """Candidate emails must carry the postal address and the unsubscribe link."""
    address = firm_policy().firm.postal_address or SAMPLE_ADDRESS
    problems = []
    for name, by_language in renders.items():
        if not name.startswith("email/"):
            continue
        for language, rendered in by_language.items():
            for part, text in _parts(rendered):
                if address not in html.unescape(text):
                    problems.append(
                        TemplateProblem(
                            f"{name}.{part}",
                            f"no postal address of the firm ({language})",
                        )
                    )
                if SAMPLE_UNSUBSCRIBE not in text:
                    problems.append(
                        TemplateProblem(
                            f"{name}.{part}", f"no unsubscribe link ({language})"
                        )
                    )
    return problems


def _untranslated(renders: dict[str, dict[str, str]]) -> list[TemplateProblem]:
    """Lines of the Spanish render that are the English ones, data aside."""
    problems = []
    for name, by_language in renders.items():
        if "en" not in by_language or "es" not in by_language:
            continue
        english = set(_meaningful_lines(_text_of(by_language["en"])))
        for line in _meaningful_lines(_text_of(by_language["es"])):
            if line in english:
                problems.append(
                    TemplateProblem(name, f"untranslated in es: {line[:70]!r}")
                )
    return problems


def _meaningful_lines(rendered: str) -> Iterator[str]:
    """Lines with words of their own once the sample data is taken out."""
    data = _sample_values()
    for line in rendered.splitlines():
        line = " ".join(line.split())
        remainder = line
        for value in data:
            remainder = remainder.replace(value, " ")
        if len(_WORD.findall(remainder)) >= UNTRANSLATED_MIN_WORDS:
            yield line


def _sample_values() -> list[str]:
    context = sample_facts()
    values = [str(v) for v in context.values() if isinstance(v, str)]
    values += [context["firm"].name, context["firm"].postal_address, "Follow-Up Coach"]
    values += ["Sample title", "Sample message"]
    for person in context["people"]:
        values += [person.name, person.title or ""]
    return sorted((v for v in values if v), key=len, reverse=True)


def _parts(rendered: str) -> Iterator[tuple[str, str]]:
    for chunk in rendered.split("\0")[1:]:
        part, _, text = chunk.partition("\n")
        yield part, text


def _text_of(page: str) -> str:
    """The words a reader sees: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("\n", page))
