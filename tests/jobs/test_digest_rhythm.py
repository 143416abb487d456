"""Sixty days of digests: each application appears only on the days the rules allow.

The clock moves a day at a time; every morning's tick sends the digest through the
real job and a real SMTP server, and the tests read the emails as a recruiter would.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from plugin import clock
from plugin.jobs.tick import run_tick
from plugin.models import Application, Digest, DigestStatus, Recruiter
from plugin.operations import actions
from plugin.operations.digest import set_digest_frequency
from tests.support.events import interview_event
from tests.support.smtp import text_part

FIRST_DAY = date(2026, 12, 1)  # a Tuesday; no clock change in the 60 days
DAYS = 61
REPEAT_DAYS = 7  # the policy's default digest.repeat_unchanged_after_days
SECTION = re.compile(r"^(?P<title>[A-Z][^()]*) \(\d+\)$")
ITEM = re.compile(r"^  - (?P<candidate>[^,]+), [^:]+: (?P<detail>.*)$")
# Counters such as "(3 days ago)" change every day; the facts around them do not.
COUNTER = re.compile(r" \([^)]*\)")


@dataclass(frozen=True)
class Sighting:
    """One application in one digest, as the recruiter read it."""

    day: int
    section: str
    detail: str

    @property
    def unchanged_text(self) -> str:
        """The section and the line, without the counters that tick every day."""
        return f"{self.section}: {COUNTER.sub('', self.detail)}"


def morning(day: int) -> datetime:
    """07:45 in New York (Sam's zone), past the digest's 07:30."""
    return datetime.combine(FIRST_DAY + timedelta(days=day), datetime.min.time(), UTC)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return morning(day) + timedelta(hours=hour, minutes=minute)


def application(db, name: str) -> Application:
    return db.session.scalars(
        select(Application).filter_by(external_id=f"a-{name}")
    ).one()


def post_interview(post_event, name: str, deadline: str) -> None:
    post_event(
        interview_event(
            **{
                "timestamp": "2026-12-01T12:00:00Z",
                "data.candidate.id": f"c-{name}",
                "data.candidate.first_name": name,
                "data.candidate.email": f"{name.lower()}@example.org",
                "data.application.id": f"a-{name}",
                "data.application.decision_deadline": deadline,
                "data.interview.id": f"i-{name}",
            }
        )
    )


def live_sixty_days(db, smtp, post_event, run_jobs, weekly=False) -> dict[int, list]:
    """Run the clock over 60 days; return the digests received, by day."""
    with clock.frozen_at(at(0, 12)):
        for name, deadline in (
            ("Quinn", "2026-12-08"),  # no news ever: check-in, then move-on
            ("Stella", "2026-12-08"),  # stops the emails for this role on day 9
            ("Petra", "2026-12-08"),  # opts out of all emails on day 14
            ("Otto", "2026-12-22"),  # reports a competing offer on day 2
        ):
            post_interview(post_event, name, deadline)
        run_jobs()
    if weekly:
        set_digest_frequency(db.session.scalars(select(Recruiter)).one(), "weekly")
    digests: dict[int, list] = {}
    for day in range(DAYS):
        received = len(smtp.recruiter_messages)
        # 07:45 in New York: the digest; 09:00 in Chicago: the candidates' emails.
        for instant in (at(day, 12, 45), at(day, 15)):
            with clock.frozen_at(instant):
                run_tick()
                run_jobs()
        with clock.frozen_at(at(day, 16)):
            what_happens_on(db, day)
            run_jobs()
        digests[day] = [
            m
            for m in smtp.recruiter_messages[received:]
            if "digest" in str(m["Subject"])
        ]
    return digests


def what_happens_on(db, day: int) -> None:
    """The candidates' own news, at 11:00 in New York on some days."""
    if day == 2:
        actions.report_competing_offer(
            application(db, "Otto"), "Birch", date(2026, 12, 31), None
        )
    elif day == 9:
        actions.stop_application(application(db, "Stella"), "plan page")
    elif day == 14:
        actions.stop_everything(application(db, "Petra").candidate, "plan page")


def sightings(digests: dict[int, list]) -> dict[str, list[Sighting]]:
    """Every application seen, by candidate's first name, in the order of days."""
    seen: dict[str, list[Sighting]] = defaultdict(list)
    for day, messages in digests.items():
        for message in messages:
            section = ""
            for line in text_part(message).splitlines():
                if title := SECTION.match(line):
                    section = title["title"]
                elif item := ITEM.match(line):
                    first_name = item["candidate"].split()[0]
                    seen[first_name].append(Sighting(day, section, item["detail"]))
    return seen


def test_sixty_days_of_daily_digests_show_each_application_as_the_rules_allow(
    db, smtp, post_event, run_jobs
):
    digests = live_sixty_days(db, smtp, post_event, run_jobs)
    seen = sightings(digests)

    # One digest a day at most, and no application twice in one (no two sections).
    assert all(len(messages) <= 1 for messages in digests.values())
    for name, sightings_of in seen.items():
        days = [s.day for s in sightings_of]
        assert len(days) == len(set(days)), (name, sightings_of)
    # Unchanged, an item comes back at most every 7 days.
    for name, sightings_of in seen.items():
        last_day: dict[str, int] = {}
        for sighting in sightings_of:
            previous = last_day.get(sighting.unchanged_text)
            assert previous is None or sighting.day - previous >= REPEAT_DAYS, (
                name,
                sighting,
            )
            last_day[sighting.unchanged_text] = sighting.day
    # Move-on and stopped: told once, the morning after, and nothing after that.
    for name, section, on_day in (
        ("Quinn", "Reached move-on", 19),  # move-on sent on day 18
        ("Stella", "Stopped coaching emails", 10),
        ("Petra", "Stopped coaching emails", 15),
        ("Otto", "Reached move-on", 33),
    ):
        told = [s for s in seen[name] if s.section == section]
        assert [s.day for s in told] == [on_day], (name, seen[name])
        assert seen[name][-1] == told[0], seen[name]
    # Before, Quinn was listed every day to the end, in two or three sections.
    assert [s.day for s in seen["Quinn"]] == [0, 8, 10, 12, 19]
    # A competing offer: told the next morning, then weekly (or on news) until it ends.
    offers = [s for s in seen["Otto"] if s.section == "Competing offers"]
    assert offers[0].day == 3
    assert offers[0].detail == "offer from Birch ends Thu 31 Dec (27 days left)"
    assert len(offers) >= 4 and all(s.day <= 30 for s in offers)


def test_a_weekly_recruiter_gets_one_digest_a_week_summing_up_the_week(
    db, smtp, post_event, run_jobs
):
    digests = live_sixty_days(db, smtp, post_event, run_jobs, weekly=True)
    seen = sightings(digests)

    rows = db.session.scalars(select(Digest).order_by(Digest.local_date)).all()
    mondays = [
        FIRST_DAY + timedelta(days=d)
        for d in range(DAYS)
        if (FIRST_DAY + timedelta(days=d)).weekday() == 0
    ]
    assert [row.local_date for row in rows] == mondays  # one a week, every week
    emails = {day: m for day, messages in digests.items() for m in messages}
    assert sum(len(messages) for messages in digests.values()) == len(emails)
    assert len(emails) == sum(row.status == DigestStatus.SENT for row in rows) >= 3
    assert all((FIRST_DAY + timedelta(days=day)).weekday() == 0 for day in emails)
    for name, sightings_of in seen.items():
        days = [s.day for s in sightings_of]
        assert len(days) == len(set(days)), (name, sightings_of)
    # Each sums up its week: Stella stopped on Thursday the 10th, Quinn was told to
    # move on on Saturday the 19th.
    assert [(s.day, s.section) for s in seen["Stella"]][-1] == (
        13,
        "Stopped coaching emails",
    )
    assert (20, "Reached move-on") in [(s.day, s.section) for s in seen["Quinn"]]
    first = emails[min(emails)]
    assert str(first["Subject"]).startswith("Your weekly follow-up digest, Mon")
    assert text_part(first).startswith("Good morning Sam. Here is your week")
