"""Reading who an interviewer was from the title an ATS gives."""

from __future__ import annotations

import pytest

from plugin.cadence.roles import InterviewerRole, role_from_title

MANAGER = InterviewerRole.HIRING_MANAGER
RECRUITER = InterviewerRole.RECRUITER
PEER = InterviewerRole.PEER
LEADER = InterviewerRole.LEADER


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("Hiring Manager", MANAGER),
        ("Payroll Manager", MANAGER),
        ("Engineering Manager", MANAGER),
        ("Team Lead", MANAGER),
        ("Warehouse Supervisor", MANAGER),
        ("Talent Acquisition Partner", RECRUITER),
        ("People Ops Manager", RECRUITER),
        ("HR Business Partner", RECRUITER),
        ("Senior Technical Recruiter", RECRUITER),
        ("Human Resources Director", RECRUITER),
        ("VP Engineering", LEADER),
        ("V.P., Sales", LEADER),
        ("Senior Vice President, Operations", LEADER),
        ("Head of Finance", LEADER),
        ("Director of Operations", LEADER),
        ("CFO", LEADER),
        ("Chief Executive Officer", LEADER),
        ("Co-founder", LEADER),
        ("Senior Software Engineer", PEER),
        ("Payroll Specialist", PEER),
        ("Staff Accountant, CPA", PEER),
        ("Product Manager", PEER),
        ("Account Manager", PEER),
        ("Data Analyst II", PEER),
        # Spanish titles, with and without their accents.
        ("Gerente de Nómina", MANAGER),
        ("Jefa de Almacén", MANAGER),
        ("Reclutadora", RECRUITER),
        ("Especialista de Recursos Humanos", RECRUITER),
        ("Directora de Operaciones", LEADER),
        ("Director Financiero", LEADER),
        ("Gerente General", LEADER),
        ("Ingeniero de Software", PEER),
        ("Analista Contable", PEER),
    ],
)
def test_a_title_reads_as_the_role_a_person_would_give_it(title, role):
    assert role_from_title(title) is role


@pytest.mark.parametrize("title", [None, "", "   ", "-"])
def test_without_a_title_the_draft_is_neutral(title):
    assert role_from_title(title) is InterviewerRole.UNKNOWN


def test_the_events_hiring_manager_is_one_whatever_the_title():
    assert (
        role_from_title("Senior Software Engineer", is_hiring_manager=True) is MANAGER
    )
    assert role_from_title(None, is_hiring_manager=True) is MANAGER
