"""ATS sources: one module per source, registered by name.

A source verifies a delivery on its raw bytes, validates it without I/O, and later
(inside a job) normalises it into canonical events. Third-party packages add a source
through the ``followup.sources`` entry-point group.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import entry_points
from typing import Any


class SignatureError(Exception):
    """The delivery is not proven to come from the source (answered with 401)."""


class PayloadError(Exception):
    """The body is well-formed JSON but breaks the source's schema (422)."""

    def __init__(self, fields: Mapping[str, list[str]]):
        super().__init__("invalid payload")
        self.fields = dict(fields)


@dataclass(frozen=True)
class Delivery:
    """What the receiver hands a source: headers and the exact bytes received."""

    headers: Mapping[str, str]  # names in lower case
    body: bytes
    received_at: datetime


class WebhookSource(abc.ABC):
    """The small interface every ATS source implements."""

    #: Name in the URL (`/webhooks/<name>`) and the namespace of its ids.
    name: str
    #: Flask config key holding this source's secrets (a tuple of keys).
    secrets_setting: str

    @abc.abstractmethod
    def verify(self, delivery: Delivery, secrets: tuple[bytes, ...]) -> None:
        """Raise SignatureError unless the delivery is authentic and fresh."""

    @abc.abstractmethod
    def delivery_id(self, delivery: Delivery) -> str:
        """Return the sender's idempotency key for this delivery."""

    @abc.abstractmethod
    def validate(self, payload: Any) -> str:
        """Check the parsed body without I/O; return its type or raise PayloadError."""

    @abc.abstractmethod
    def normalise(self, payload: Any) -> list[dict[str, Any]]:
        """Turn a stored payload into canonical events (may call the ATS API)."""


_registry: dict[str, WebhookSource] = {}


def register(source: WebhookSource) -> WebhookSource:
    """Make a source reachable at `/webhooks/<source.name>`."""
    _registry[source.name] = source
    return source


def get_source(name: str) -> WebhookSource | None:
    """Return the registered source called `name`, or None."""
    _load_sources()
    return _registry.get(name)


def source_names() -> list[str]:
    """The names of every registered source, as they appear in URLs."""
    _load_sources()
    return sorted(_registry)


_loaded = False


def _load_sources() -> None:
    global _loaded
    if _loaded:
        return
    from webhooks import standard  # noqa: F401  (registers itself)

    for entry in entry_points(group="followup.sources"):
        source = entry.load()
        register(source() if isinstance(source, type) else source)
    _loaded = True
