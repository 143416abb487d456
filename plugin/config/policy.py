"""The firm's policy: a TOML file (`POLICY_FILE`) checked strictly at start-up.

Every key is optional; the defaults below are the documented ones (README and
`policy.example.toml`). A bad key stops the service with a message naming it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time
from urllib.parse import urlsplit

from plugin.config.source_policy import SourcesPolicy

ROUTING_MODES = ("direct", "via_recruiter")
# The languages we ship every candidate email and page in (plugin/translations).
LANGUAGES = ("en", "es")
SALUTATIONS = ("first_name", "full_name")


class PolicyError(ValueError):
    """A policy file that cannot be used; the message names the bad key."""


@dataclass(frozen=True)
class FirmPolicy:
    """Who the emails come from; every candidate email carries name and address."""

    name: str = "Follow-Up Coach"
    postal_address: str = ""
    timezone: str = "America/New_York"
    reply_to: str = ""
    # Candidates whose language we do not ship, or who have none, read this one.
    language: str = "en"


@dataclass(frozen=True)
class RoutingPolicy:
    """Whether candidates write to the employer themselves or through the recruiter."""

    mode: str = "direct"
    # Interviewers' email addresses appear in drafts only when the firm allows it.
    share_contact_emails: bool = False


@dataclass(frozen=True)
class DraftsPolicy:
    """How the drafts the candidate sends address each person."""

    # "first_name": "Dear Zoë,"; "full_name": "Dear Zoë Ångström,".
    salutation: str = "first_name"


@dataclass(frozen=True)
class QuietHoursPolicy:
    """Hours, in the candidate's zone, when no coaching email is sent."""

    start: time = time(21, 0)
    end: time = time(8, 0)


@dataclass(frozen=True)
class SpacingPolicy:
    """Least time between two coaching emails to one candidate (all applications)."""

    min_hours: int = 18


@dataclass(frozen=True)
class ThankYouPolicy:
    """The thank-you coaching after each round."""

    delay_minutes: int = 60
    stale_after_hours: int = 30


@dataclass(frozen=True)
class HandwrittenNotePolicy:
    """The optional mailed card, a day after the thank-you."""

    enabled: bool = True
    delay_hours: int = 24
    post_within_days: int = 2
    stale_after_hours: int = 72


@dataclass(frozen=True)
class CheckInPolicy:
    """The one check-in, once the decision deadline has passed by some days."""

    days_after_deadline: int = 3
    # With no stated deadline, assume one this many days after the last round.
    default_deadline_days: int = 7
    stale_after_hours: int = 120


@dataclass(frozen=True)
class MoveOnPolicy:
    """The last step: stop following up, keep other options open."""

    days_after_check_in: int = 7
    stale_after_hours: int = 336


@dataclass(frozen=True)
class BusinessDaysPolicy:
    """Count the check-in's days in business days (ISO weekdays, Monday = 1)."""

    enabled: bool = False
    weekdays: tuple[int, ...] = (1, 2, 3, 4, 5)
    holidays: tuple[date, ...] = ()


@dataclass(frozen=True)
class AlertsPolicy:
    """Where recruiters' alerts go besides email, and when a repeat is no news."""

    chat_webhook_url: str = ""  # firm-wide; a recruiter may have their own
    chat_allowed_hosts: tuple[str, ...] = ("hooks.slack.com",)
    # The same competing offer reported again within this many hours is no news.
    repeat_window_hours: int = 24


@dataclass(frozen=True)
class DigestPolicy:
    """The recruiter's morning digest."""

    send_at: time = time(7, 30)  # in the recruiter's zone
    no_news_days: int = 10  # "nothing from the employer" after this many days
    # An application whose reason and facts did not change comes back this often.
    repeat_unchanged_after_days: int = 7


@dataclass(frozen=True)
class BrandingPolicy:
    """The firm's colour and logo on candidate emails and pages."""

    colour: str = "#1f5fa8"  # #RRGGBB
    logo_url: str = ""  # https only; its origin joins the pages' img-src


@dataclass(frozen=True)
class RetentionPolicy:
    """How long raw webhook bodies and sent message bodies are kept."""

    days: int = 30


@dataclass(frozen=True)
class Policy:
    """Everything a firm can tune, with the documented defaults."""

    firm: FirmPolicy = field(default_factory=FirmPolicy)
    routing: RoutingPolicy = field(default_factory=RoutingPolicy)
    drafts: DraftsPolicy = field(default_factory=DraftsPolicy)
    quiet_hours: QuietHoursPolicy = field(default_factory=QuietHoursPolicy)
    spacing: SpacingPolicy = field(default_factory=SpacingPolicy)
    thank_you: ThankYouPolicy = field(default_factory=ThankYouPolicy)
    handwritten_note: HandwrittenNotePolicy = field(
        default_factory=HandwrittenNotePolicy
    )
    check_in: CheckInPolicy = field(default_factory=CheckInPolicy)
    move_on: MoveOnPolicy = field(default_factory=MoveOnPolicy)
    business_days: BusinessDaysPolicy = field(default_factory=BusinessDaysPolicy)
    retention: RetentionPolicy = field(default_factory=RetentionPolicy)
    alerts: AlertsPolicy = field(default_factory=AlertsPolicy)
    digest: DigestPolicy = field(default_factory=DigestPolicy)
    branding: BrandingPolicy = field(default_factory=BrandingPolicy)
    sources: SourcesPolicy = field(default_factory=SourcesPolicy)


def is_hex_colour(value: str) -> bool:
    """True for exactly `#RRGGBB`: the value is written into styles as it is."""
    return re.fullmatch(r"#[0-9A-Fa-f]{6}", value) is not None


def logo_origin(url: str) -> str:
    """The `https://host[:port]` a logo is fetched from, for the CSP's img-src."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


def is_logo_url(url: str) -> bool:
    """An https URL with a host, and nothing that could break out of a CSP or tag."""
    if re.fullmatch(r"[A-Za-z0-9._~:/?#\[\]@!$&()*+,=%-]+", url) is None:
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.hostname) and not parts.username


def chat_url_allowed(url: str, allowed_hosts: tuple[str, ...]) -> bool:
    """True for an https URL whose host is on the allow-list."""
    parts = urlsplit(url)
    return parts.scheme == "https" and (parts.hostname or "") in allowed_hosts
