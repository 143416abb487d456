"""The data model; importing this package registers every table."""

from plugin.models.alerts import (
    Alert,
    AlertStatus,
    Digest,
    DigestMention,
    DigestStatus,
)
from plugin.models.application import (
    Application,
    ApplicationStatus,
    CompetingOffer,
    Interview,
    Interviewer,
    InterviewStatus,
)
from plugin.models.inbox import InboxEvent, InboxStatus, store_once
from plugin.models.notes import InterviewerNote
from plugin.models.outbox import EmailStatus, OutboundEmail
from plugin.models.people import Candidate, DigestFrequency, Recruiter
from plugin.models.sources import ConnectionState, SourceState
from plugin.models.staff import ApiToken, LoginLink, User
from plugin.models.suppression import MailProblem, MailProblemKind, Suppression
from plugin.models.ticks import TickRecord
from plugin.models.touchpoint import (
    ATS_ACTOR,
    CANDIDATE_ACTOR,
    OPERATOR_ACTOR,
    Actor,
    ActorKind,
    Step,
    TimelineEntry,
    TimelineKind,
    Touchpoint,
    TouchpointStatus,
)

__all__ = [
    "ATS_ACTOR",
    "CANDIDATE_ACTOR",
    "OPERATOR_ACTOR",
    "Actor",
    "ActorKind",
    "Alert",
    "AlertStatus",
    "ApiToken",
    "Digest",
    "DigestFrequency",
    "DigestMention",
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
    "InterviewerNote",
    "OutboundEmail",
    "Recruiter",
    "SourceState",
    "Step",
    "Suppression",
    "TickRecord",
    "TimelineEntry",
    "TimelineKind",
    "Touchpoint",
    "TouchpointStatus",
]
