"""Filling in the app's HTML forms the way a browser would."""

from __future__ import annotations

import re


def csrf_token(html: str) -> str:
    """The CSRF token hidden in a page's form."""
    match = re.search(
        r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', html
    ) or re.search(r'<input[^>]*value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)
