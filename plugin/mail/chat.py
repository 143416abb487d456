"""Posting to a Slack-compatible incoming webhook: https, allow-listed, no redirects.

A chat post is a courtesy next to the email: it has short timeouts, and its failure
is recorded, never raised. The URL is a secret: it is never logged.
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from typing import Any

from plugin.config.policy import chat_url_allowed

TIMEOUT_SECONDS = 3


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 3xx is then an HTTPError: we never follow one


def post_to_chat(url: str, text: str, allowed_hosts: tuple[str, ...]) -> str:
    """Post `text`; return "sent" or a short reason it was not (no URL in it)."""
    if not chat_url_allowed(url, allowed_hosts):
        return "refused: not an allowed https host"
    request = urllib.request.Request(
        url,
        data=json.dumps({"text": text}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    opener = urllib.request.build_opener(
        _NoRedirects, urllib.request.HTTPSHandler(context=ssl.create_default_context())
    )
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return (
                "sent" if 200 <= response.status < 300 else f"failed: {response.status}"
            )
    except urllib.error.HTTPError as exc:
        return f"failed: HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return f"failed: {type(exc).__name__}"
