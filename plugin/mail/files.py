"""The embedded default's mailbox: each message an `.eml` file in a folder."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Protocol


class _Encoded(Protocol):
    @property
    def message_id(self) -> str: ...

    @property
    def payload(self) -> bytes: ...


def write_eml(
    encoded: _Encoded, mail_dir: Path, error: type[Exception] = OSError
) -> Path:
    """Write the message whole (temp file, then rename) into `mail_dir`."""
    try:
        mail_dir.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9.@-]", "_", encoded.message_id.strip("<>"))[:120]
        fd, temp = tempfile.mkstemp(dir=mail_dir, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(encoded.payload)
        target = mail_dir / f"{stem}.eml"
        os.replace(temp, target)
    except OSError as exc:
        raise error(f"cannot write to the mail folder: {exc.strerror}") from exc
    return target
