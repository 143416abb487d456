"""ATS sources: one module (or package) per source, registered by name.

A push source verifies a delivery on its raw bytes and validates it without I/O; a
pull source is polled for raw vendor events. Either way each raw event is stored in
the inbox and later (inside a job) normalised into canonical events. Every source,
ours included, registers through the ``followup.sources`` entry-point group.
"""

from __future__ import annotations

import abc
import importlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import entry_points
from typing import Any

log = logging.getLogger(__name__)


class SignatureError(Exception):
    """The delivery is not proven to come from the source (answered with 401)."""


class PayloadError(Exception):
    """The body is well-formed JSON but breaks the source's schema (422)."""

    def __init__(self, fields: Mapping[str, list[str]]):
        super().__init__("invalid payload")
        self.fields = dict(fields)


class IgnoredEvent(Exception):
    """The delivery is valid but carries nothing we can act on.

    Raised from `normalise` (for example a vendor event about a candidate with no
    email); the inbox then marks the delivery `ignored` with `reason`, for good.
    The reason is shown to operators and logged: ids only, never personal data.
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Delivery:
    """What the receiver hands a source: headers and the exact bytes received."""

    headers: Mapping[str, str]  # names in lower case
    body: bytes
    received_at: datetime


class Source(abc.ABC):
    """What every source shares: a name and the translation to canonical events."""

    #: Name in URLs and commands, and the namespace of its ids.
    name: str

    @abc.abstractmethod
    def normalise(
        self, payload: Any, settings: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Turn a stored payload into canonical events; `settings` is app config.

        Raise IgnoredEvent, or return no events, when there is nothing to act on.
        """


class WebhookSource(Source):
    """A source that pushes: `POST /webhooks/<name>`."""

    #: Flask config key holding this source's secrets (a tuple of keys).
    secrets_setting: str
    #: The answer to a delivery stored for processing (some senders want 200).
    accepted_status: int = 202
    #: Event types a vendor sends to test the endpoint while it is set up: never
    #: rate-limited, so saving the webhook in the vendor's screens always works.
    setup_pings: tuple[str, ...] = ()

    def answer_now(self, payload: Any) -> dict[str, Any] | None:
        """A body to answer 200 with at once, storing nothing (a setup ping)."""
        return None

    @abc.abstractmethod
    def verify(self, delivery: Delivery, secrets: tuple[bytes, ...]) -> None:
        """Raise SignatureError unless the delivery is authentic and fresh."""

    @abc.abstractmethod
    def delivery_id(self, delivery: Delivery) -> str:
        """Return the sender's idempotency key for this delivery."""

    @abc.abstractmethod
    def validate(self, payload: Any) -> str:
        """Check the parsed body without I/O; return its type or raise PayloadError."""


class SourceNotConfigured(Exception):
    """A pull source whose settings are missing; the message names the variables."""


class SourceUnavailable(Exception):
    """The vendor failed or refused; the message is one line, free of secrets."""


@dataclass(frozen=True)
class PulledEvent:
    """One raw vendor event read by a poll, as the inbox will store it."""

    delivery_id: str  # the vendor's event id: the inbox's dedupe key
    event_type: str  # a short label for listings, e.g. "Appointment.UPDATED"
    body: bytes  # JSON; `normalise` reads it back


@dataclass(frozen=True)
class KnownInterview:
    """An interview the service is still coaching, by the source's own ids."""

    interview_id: str
    application_id: str
    candidate_id: str


@dataclass(frozen=True)
class PollContext:
    """What the operations layer hands a poll besides the cursor."""

    now: datetime
    policy: Any  # the firm's Policy (plugin.config.policy)
    # The previous poll started and never stored its batch (a crash or an error).
    interrupted: bool = False
    # Open interviews of this source, read from the database only when asked for.
    open_interviews: Callable[[], list[KnownInterview]] = field(default=lambda: [])


@dataclass
class PollBatch:
    """What one poll read: raw events to store and the cursor to store with them."""

    events: list[PulledEvent]
    cursor: dict[str, Any]
    notes: list[str] = field(default_factory=list)  # for `sources poll` output
    more: bool = False  # the vendor has more waiting: poll again at once


class PullConnection(abc.ABC):
    """An authenticated link to a vendor, reused across polls of one process."""

    @abc.abstractmethod
    def check(self, context: PollContext) -> list[str]:
        """Authenticate and verify the subscription; return what was found."""

    @abc.abstractmethod
    def poll(self, cursor: Mapping[str, Any], context: PollContext) -> PollBatch:
        """Read the next batch after `cursor`; raise SourceUnavailable on failure."""

    def acknowledge(self, cursor: Mapping[str, Any]) -> None:  # noqa: B027
        """Tell the vendor a stored batch may go (after the commit; default: none)."""


class PullSource(Source):
    """A source that is polled (it may push too, by also being a WebhookSource)."""

    #: Environment variables that must be set for the source to be on.
    required_settings: tuple[str, ...] = ()

    def missing_settings(self, settings: Mapping[str, Any]) -> list[str]:
        """The required variables that are not set."""
        return [name for name in self.required_settings if not settings.get(name)]

    @abc.abstractmethod
    def connect(self, settings: Mapping[str, Any]) -> PullConnection:
        """Return a (cached) connection; raise SourceNotConfigured when unset."""


_registry: dict[str, Source] = {}


def register(source: Source) -> Source:
    """Make a source known by its name."""
    _registry[source.name] = source
    return source


def get_source(name: str) -> Source | None:
    """Return the registered source called `name`, or None."""
    _load_sources()
    return _registry.get(name)


def push_source(name: str) -> WebhookSource | None:
    """The source called `name` if it takes webhooks, else None."""
    source = get_source(name)
    return source if isinstance(source, WebhookSource) else None


def pull_source(name: str) -> PullSource | None:
    """The source called `name` if it is polled, else None."""
    source = get_source(name)
    return source if isinstance(source, PullSource) else None


def all_sources() -> list[Source]:
    """Every registered source, by name."""
    _load_sources()
    return [_registry[name] for name in sorted(_registry)]


_loaded = False
# Built-ins, loaded even when the installed entry points are stale (an old
# editable install that predates a source must not lose it).
_BUILT_IN = (
    "webhooks.standard",
    "webhooks.bullhorn",
    "webhooks.lever",
    "webhooks.ashby",
    "webhooks.greenhouse",
)


def _load_sources() -> None:
    global _loaded
    if _loaded:
        return
    for entry in entry_points(group="followup.sources"):
        try:
            source = entry.load()
        except Exception:
            log.exception("source entry point %s could not be loaded", entry.name)
            continue
        if isinstance(source, Source):
            register(source)
        elif isinstance(source, type) and issubclass(source, Source):
            # A class: one instance, unless importing it registered one already.
            if not isinstance(_registry.get(getattr(source, "name", "")), source):
                register(source())
    for module in _BUILT_IN:
        built_in = importlib.import_module(module).source
        _registry.setdefault(built_in.name, built_in)
    _loaded = True
