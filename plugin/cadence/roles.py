"""Who an interviewer was to the candidate, read from the title the ATS gives.

A thank-you reads best when it speaks to what that person cares about: a hiring
manager the work, a recruiter the process, a future colleague the team, a senior
leader where the company is going. Titles are free text, in English or Spanish,
so the reading is by keywords, most telling first.
"""

from __future__ import annotations

import enum
import re
import unicodedata


class InterviewerRole(enum.StrEnum):
    """The angle a thank-you to this person takes."""

    HIRING_MANAGER = "hiring_manager"
    RECRUITER = "recruiter"  # HR or an in-house recruiter
    PEER = "peer"  # a future colleague or panel member
    LEADER = "leader"  # a senior leader
    UNKNOWN = "unknown"  # no title: a neutral draft


# Words are matched whole, on lower-case text without accents ("dirección" ->
# "direccion"). HR comes first: a "People Ops Manager" or "HR Director" speaks for
# the process, not for the team the candidate would join.
_RECRUITER_WORDS = (
    r"recruit\w*",
    r"talent",
    r"people",
    r"human resources",
    r"hr",
    r"hrbp",
    r"sourc(er|ing)",
    r"reclut\w*",
    r"recursos humanos",
    r"rrhh",
    r"talento",
    r"seleccion",
)
_LEADER_WORDS = (
    r"chief",
    r"ceo|cfo|cto|coo|cmo|cio|cpo|cro|cso|chro",
    r"vp",
    r"svp",
    r"evp",
    r"vice[ -]?president",
    r"president",
    r"head of",
    r"director",
    r"founder",
    r"co-?founder",
    r"partner",
    r"vicepresident[ea]",
    r"presidente|presidenta",
    r"directora?",
    r"fundadora?",
    r"socia|socio",
    r"gerente general",
    r"jefe de area|jefa de area",
)
_MANAGER_WORDS = (
    r"hiring manager",
    r"manager",
    r"team lead",
    r"tech lead",
    r"lead",
    r"supervisora?",
    r"gerente",
    r"jef[ea]",
    r"responsable",
    r"lider",
    r"encargad[oa]",
)
# "Manager" names a job, not a boss, in these titles: they are future colleagues.
_PEER_MANAGER_TITLES = (
    r"product manager",
    r"project manager",
    r"program manager",
    r"account manager",
    r"case manager",
    r"community manager",
)


def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(words) + r")\b")


_RECRUITER = _pattern(_RECRUITER_WORDS)
_LEADER = _pattern(_LEADER_WORDS)
_MANAGER = _pattern(_MANAGER_WORDS)
_PEER_MANAGER = _pattern(_PEER_MANAGER_TITLES)


def role_from_title(
    title: str | None, is_hiring_manager: bool = False
) -> InterviewerRole:
    """The role a title reads as; the hiring manager of the event is always one."""
    if is_hiring_manager:
        return InterviewerRole.HIRING_MANAGER
    words = _plain(title)
    if not any(char.isalpha() for char in words):
        return InterviewerRole.UNKNOWN
    if _RECRUITER.search(words):
        return InterviewerRole.RECRUITER
    if _LEADER.search(words):
        return InterviewerRole.LEADER
    if _MANAGER.search(words) and not _PEER_MANAGER.search(words):
        return InterviewerRole.HIRING_MANAGER
    return InterviewerRole.PEER


def _plain(title: str | None) -> str:
    """Lower case, accents dropped, punctuation as spaces: "V.P., Ingeniería"."""
    decomposed = unicodedata.normalize("NFKD", (title or "").casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = bare.replace(".", "")  # "V.P." and "C.F.O." read as "vp" and "cfo"
    return re.sub(r"[^\w-]+", " ", bare).strip()
