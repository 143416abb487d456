"""The data model; importing this package registers every table."""

from plugin.models.alerts import Alert, AlertStatus, Digest, DigestStatus
from plugin.models.application import (
    Application,
    ApplicationStatus,
    CompetingOffer,
    Interview,
    Interviewer,
    InterviewStatus,
)
from plugin.models.inbox import InboxEvent, InboxStatus, store_once
from plugin.models.outbox import EmailStatus, OutboundEmail
from plugin.models.people import Candidate, Recruiter
from plugin.models.sources import ConnectionState, SourceState
from plugin.models.staff import ApiToken, LoginLink, User
from plugin.models.suppression import MailProblem, MailProblemKind, Suppression
from plugin.models.touchpoint import (
    Step,
    TimelineEntry,
    TimelineKind,
    Touchpoint,
    TouchpointStatus,
)

__all__ = [
    "Alert",
    "AlertStatus",
    "ApiToken",
    "Digest",
    "DigestStatus",
    "LoginLink",
    "User",
    "Application",
    "ApplicationStatus",
    "Candidate",
    "CompetingOffer",
    "ConnectionState",
    "EmailStatus",
    "InboxEvent",
    "InboxStatus",
    "store_once",
    "Interview",
    "InterviewStatus",
    "MailProblem",
    "MailProblemKind",
    "Interviewer",
    "OutboundEmail",
    "Recruiter",
    "SourceState",
    "Step",
    "Suppression",
    "TimelineEntry",
    "TimelineKind",
    "Touchpoint",
    "TouchpointStatus",
]
