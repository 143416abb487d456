"""The data model; importing this package registers every table."""

from .application import (
    Application,
    ApplicationStatus,
    CompetingOffer,
    Interview,
    Interviewer,
    InterviewStatus,
)
from .inbox import InboxEvent, InboxStatus
from .outbox import EmailStatus, OutboundEmail
from .people import Candidate, Recruiter
from .recruiting import Alert, AlertStatus, ApiToken, Digest, LoginLink, User
from .touchpoint import Step, TimelineEntry, Touchpoint, TouchpointStatus

__all__ = [
    "Alert",
    "AlertStatus",
    "ApiToken",
    "Digest",
    "LoginLink",
    "User",
    "Application",
    "ApplicationStatus",
    "Candidate",
    "CompetingOffer",
    "EmailStatus",
    "InboxEvent",
    "InboxStatus",
    "Interview",
    "InterviewStatus",
    "Interviewer",
    "OutboundEmail",
    "Recruiter",
    "Step",
    "TimelineEntry",
    "Touchpoint",
    "TouchpointStatus",
]
