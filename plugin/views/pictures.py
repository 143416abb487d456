"""Pictures drawn on the server as SVG: the timeline strip and the outcome charts.

Geometry only: the numbers a template needs to draw shapes and place labels. The
pages stay whole without JavaScript, and every picture has a text alternative.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from plugin.models import Application
from plugin.operations.outcomes import Share

STRIP_WIDTH = 640
STRIP_MARGIN = 48
STRIP_AXIS_Y = 44
LABEL_ROW_HEIGHT = 16
LABEL_CHAR_WIDTH = 7.2  # at the strip's 12px labels: enough to keep rows apart
STEP_NAMES = {
    "thank_you": "Thank-you",
    "handwritten_note": "Note",
    "check_in": "Check-in",
    "move_on": "Move-on",
}
# How each state is drawn: a filled mark happened, a hollow one is ahead.
DONE_STATES = {"sent", "done", "held", "queued"}
CHART_WIDTH = 480
BAR_HEIGHT = 28


@dataclass(frozen=True)
class StripMark:
    """One thing on an application's strip: what, when, and in what state."""

    kind: str  # interview, thank_you, handwritten_note, check_in, move_on, deadline
    at: datetime
    state: str  # held, scheduled, sent, planned, skipped, done, queued, stated...

    @property
    def name(self) -> str:
        """The mark as its label reads."""
        if self.kind == "interview":
            return "Interview"
        if self.kind == "deadline":
            return "Deadline"
        return STEP_NAMES.get(self.kind, self.kind)


@dataclass(frozen=True)
class PlacedMark:
    """A mark with its place on the strip and the row of its label."""

    mark: StripMark
    x: float
    label_y: float
    label: str
    anchor: str  # start or end: which end of the label sits at the mark
    shape: str  # filled, hollow, cross, deadline


@dataclass(frozen=True)
class Strip:
    """The strip's drawing: its size, the marks, and where today falls."""

    width: int
    height: int
    axis_y: int
    start_x: int
    end_x: int
    marks: list[PlacedMark]
    today_x: float
    today_label: str
    description: str


def strip_marks(
    application: Application,
    steps: Iterable[dict[str, Any]],
    deadline_zone: tzinfo,
    at: datetime,
) -> list[StripMark]:
    """Interviews, coaching steps and the stated deadline of one application."""
    marks = [
        StripMark("interview", i.ends_at, "held" if i.ends_at <= at else "scheduled")
        for i in application.interviews
        if i.ends_at is not None and i.is_held
    ]
    marks += [
        StripMark(step["step"], datetime.fromisoformat(step["due_at"]), step["status"])
        for step in steps
    ]
    if application.decision_deadline is not None:
        # The deadline lasts all day: it is passed at the end of its date there.
        day_after = application.decision_deadline + timedelta(days=1)
        end = datetime.combine(day_after, time(0), deadline_zone)
        marks.append(StripMark("deadline", end, "stated"))
    return sorted(marks, key=lambda m: m.at)


def draw_strip(marks: list[StripMark], today: datetime, zone: tzinfo) -> Strip:
    """Place each mark and today on a line from the earliest to the latest."""
    instants = [m.at for m in marks] + [today]
    first, last = min(instants), max(instants)
    span = max((last - first).total_seconds(), 86400.0)
    usable = STRIP_WIDTH - 2 * STRIP_MARGIN

    def x_of(instant: datetime) -> float:
        share = (instant - first).total_seconds() / span
        return round(STRIP_MARGIN + usable * share, 1)

    placed: list[PlacedMark] = []
    row_ends: list[float] = []
    for mark in marks:
        x = x_of(mark.at)
        label = f"{mark.name} {_short_day(mark.at, zone)}"
        width = len(label) * LABEL_CHAR_WIDTH
        # A label near the right edge ends at its mark instead of starting there.
        anchor = "start" if x + width <= STRIP_WIDTH - 4 else "end"
        left = x if anchor == "start" else x - width
        row = _free_row(row_ends, left, left + width)
        label_y = STRIP_AXIS_Y + 28 + row * LABEL_ROW_HEIGHT
        placed.append(PlacedMark(mark, x, label_y, label, anchor, _shape(mark)))
    height = STRIP_AXIS_Y + 28 + max(1, len(row_ends)) * LABEL_ROW_HEIGHT
    return Strip(
        width=STRIP_WIDTH,
        height=height,
        axis_y=STRIP_AXIS_Y,
        start_x=STRIP_MARGIN,
        end_x=STRIP_WIDTH - STRIP_MARGIN,
        marks=placed,
        today_x=x_of(today),
        today_label=f"Today {_short_day(today, zone)}",
        description=describe_strip(marks, today, zone),
    )


def describe_strip(marks: list[StripMark], today: datetime, zone: tzinfo) -> str:
    """The strip in words, for readers who cannot see it."""
    parts = [f"{m.name}, {m.state}, {when(m.at, zone)}" for m in marks]
    parts.append(f"today is {when(today, zone)}")
    return "; ".join(parts) + "."


def when(instant: datetime | date, zone: tzinfo) -> str:
    """A time as the dashboard shows it, with its zone named; a date as a date."""
    if not isinstance(instant, datetime):
        return f"{instant:%a %d %b %Y}"
    return instant.astimezone(zone).strftime("%a %d %b %H:%M %Z")


@dataclass(frozen=True)
class ShareBar:
    """One percentage drawn as a bar over the whole."""

    width: int
    filled: float
    text: str


def draw_share(share: Share) -> ShareBar:
    """A bar as wide as the share; its words say the same."""
    if share.percent is None:
        return ShareBar(CHART_WIDTH, 0, "nothing to measure yet")
    return ShareBar(
        CHART_WIDTH,
        round(CHART_WIDTH * share.met / share.counted, 1),
        f"{share.percent}% ({share.met} of {share.counted})",
    )


@dataclass(frozen=True)
class Column:
    """One bin of a distribution drawn as a column."""

    label: str
    count: int
    x: float
    y: float
    height: float


@dataclass(frozen=True)
class Histogram:
    """Columns over a baseline, sized to the tallest."""

    width: int
    height: int
    baseline: int
    column_width: float
    columns: list[Column]


def draw_histogram(bins: list[tuple[str, int]]) -> Histogram:
    """Columns for (label, count) pairs; the tallest fills the chart."""
    width, baseline, tallest = CHART_WIDTH, 150, 120
    top = max((count for _, count in bins), default=0) or 1
    step = width / max(1, len(bins))
    columns = [
        Column(
            label,
            count,
            round(index * step + step * 0.15, 1),
            round(baseline - tallest * count / top, 1),
            round(tallest * count / top, 1),
        )
        for index, (label, count) in enumerate(bins)
    ]
    return Histogram(width, baseline + 40, baseline, round(step * 0.7, 1), columns)


def _short_day(instant: datetime, zone: tzinfo) -> str:
    local = instant.astimezone(zone)
    return f"{local.day} {local:%b}"


def _free_row(row_ends: list[float], left: float, right: float) -> int:
    """The first label row whose last label ends before `left`."""
    for row, end in enumerate(row_ends):
        if end < left - 6:
            row_ends[row] = right
            return row
    row_ends.append(right)
    return len(row_ends) - 1


def _shape(mark: StripMark) -> str:
    if mark.kind == "deadline":
        return "deadline"
    if mark.state in DONE_STATES:
        return "filled"
    if mark.state in {"skipped", "cancelled"}:
        return "cross"
    return "hollow"
