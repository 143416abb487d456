"""Security headers on every answer: the pages carry personal data behind tokens."""

from __future__ import annotations

from flask import Flask, Response, current_app, request

from plugin.config import firm_policy
from plugin.config.policy import logo_origin

# Styles and scripts come from our own origin only; no page may be framed.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# Pages whose URL carries a token, or that show someone's data: never cached.
PRIVATE_PREFIXES = ("/plan/", "/unsubscribe/", "/login", "/dashboard", "/api/")
HSTS = "max-age=31536000; includeSubDomains"


def register(app: Flask) -> None:
    """Add the headers to every response of `app`."""
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    """Set CSP, referrer, sniffing, caching and HSTS headers."""
    for name, value in security_headers(request.path):
        if name == "Cache-Control":
            response.headers[name] = value
        else:
            response.headers.setdefault(name, value)
    return response


def security_headers(path: str) -> list[tuple[str, str]]:
    """The security headers of an answer to `path` (needs an app context)."""
    headers = [
        ("Content-Security-Policy", content_security_policy()),
        # Links carry tokens: a page must never hand its URL to another site.
        ("Referrer-Policy", "no-referrer"),
        ("X-Content-Type-Options", "nosniff"),
    ]
    if path.startswith(PRIVATE_PREFIXES):
        headers.append(("Cache-Control", "no-store"))
    if current_app.config["BASE_URL"].startswith("https://"):
        headers.append(("Strict-Transport-Security", HSTS))
    return headers


def content_security_policy() -> str:
    """The CSP, with the firm's logo origin (and only that) added to img-src."""
    logo_url = firm_policy().branding.logo_url
    if not logo_url:
        return CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY.replace(
        "img-src 'self' data:", f"img-src 'self' data: {logo_origin(logo_url)}"
    )
