"""Logging for every process, set up by the app factory: text, or JSON lines.

Log lines carry ids only: never a name, an email address, a body, a token or a
secret. `LOG_FORMAT=json` writes one JSON object per line for log shippers.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

from flask import Flask

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Pages whose URL carries a signed token; request logs show the page, not the token.
TOKEN_IN_PATH = re.compile(r"(/(?:plan|unsubscribe|login)/)[^\s/?\"]+")


class HideTokensInPaths(logging.Filter):
    """Blank the token in request lines (the development server logs every path)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message without tokens; never drop it."""
        message = record.getMessage()
        hidden = TOKEN_IN_PATH.sub(r"\1[token]", message)
        if hidden != message:
            record.msg, record.args = hidden, ()
        return True


class JsonLines(logging.Formatter):
    """One JSON object per record: time, level, logger, message, exception."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def init_app(app: Flask) -> None:
    """Send INFO and above to stderr, once per process, in the configured format."""
    root = logging.getLogger()
    ours = [h for h in root.handlers if getattr(h, "followup", False)]
    handler = ours[0] if ours else logging.StreamHandler()
    handler.followup = True  # type: ignore[attr-defined]
    json_lines = app.config["LOG_FORMAT"] == "json"
    handler.setFormatter(JsonLines() if json_lines else logging.Formatter(TEXT_FORMAT))
    if not ours:
        handler.addFilter(HideTokensInPaths())
        root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    # Alembic is loaded late, only by what uses it, and as it loads it announces
    # each of its plugins at INFO: noise before a command's own output.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
