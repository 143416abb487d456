"""Policy sections for ATS sources: `[sources.<name>]` in the policy file."""

from __future__ import annotations

from dataclasses import dataclass, field

# What a Bullhorn JobSubmission status may mean; "none" un-maps a stock status.
BULLHORN_DECISIONS = ("offer_extended", "hired", "rejected", "withdrawn", "none")
# Bullhorn's usual stock statuses (README, "Bullhorn"); a firm's table adds to these.
BULLHORN_STOCK_STATUSES = {
    "Offer Extended": "offer_extended",
    "Placed": "hired",
    "Client Rejected": "rejected",
    "Sales Rep Rejected": "rejected",
    "Candidate Withdrew": "withdrawn",
    "Candidate Not Interested": "withdrawn",
}


@dataclass(frozen=True)
class BullhornPolicy:
    """How Bullhorn appointments and submission statuses become events."""

    interview_types: tuple[str, ...] = ("Interview",)
    include_staff_attendees: bool = False  # other CorporateUsers as interviewers
    # Merged over the stock table; left out of the hash (a dict has none).
    statuses: dict[str, str] = field(default_factory=dict, hash=False)

    def decision_for(self, status: str) -> str | None:
        """The decision a submission status means, or None when it means none."""
        decision = {**BULLHORN_STOCK_STATUSES, **self.statuses}.get(status)
        return None if decision in (None, "none") else decision

    def is_mapped(self, status: str) -> bool:
        """True when the firm or the stock table names this status."""
        return status in self.statuses or status in BULLHORN_STOCK_STATUSES


@dataclass(frozen=True)
class GreenhousePolicy:
    """How Greenhouse interviews are placed in time."""

    # Harvest gives interview times in UTC and no zone: they are shown in this
    # zone (the employer's, as a Greenhouse account is one employer's), else in
    # the firm's. All-day interviews are placed on the working day there.
    timezone: str = ""


@dataclass(frozen=True)
class SourcesPolicy:
    """Mapping rules per ATS source (`[sources.<name>]`)."""

    bullhorn: BullhornPolicy = field(default_factory=BullhornPolicy)
    greenhouse: GreenhousePolicy = field(default_factory=GreenhousePolicy)
