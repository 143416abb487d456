"""The count of every fault run: faults injected, emails expected, delivered, twice."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Tally:
    """What one fault run expected and what happened."""

    faults: int = 0
    emails_expected: int = 0
    delivered: int = 0
    duplicated: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)


# One entry per fault run in this session, by test name.
LEDGER: dict[str, Tally] = {}


def record(name: str, tally: Tally) -> Tally:
    """Keep a run's counts for the session summary."""
    LEDGER[name] = tally
    return tally


def summary_lines() -> list[str]:
    """One line per run, then the totals."""
    lines = []
    for name, tally in LEDGER.items():
        states = ", ".join(f"{k} {v}" for k, v in sorted(tally.statuses.items()))
        notes = "; ".join(tally.notes)
        lines.append(
            f"{name}: {tally.faults} fault(s), {tally.emails_expected} expected, "
            f"{tally.delivered} delivered, {tally.duplicated} duplicated"
            + (f" [{states}]" if states else "")
            + (f" ({notes})" if notes else "")
        )
    total = Tally()
    for tally in LEDGER.values():
        total.faults += tally.faults
        total.emails_expected += tally.emails_expected
        total.delivered += tally.delivered
        total.duplicated += tally.duplicated
    lines.append(
        f"total: {len(LEDGER)} run(s), {total.faults} fault(s) injected, "
        f"{total.emails_expected} emails expected, {total.delivered} delivered, "
        f"{total.duplicated} duplicated"
    )
    return lines
