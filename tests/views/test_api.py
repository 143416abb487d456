"""The JSON API: bearer tokens, each user's own data, and an OpenAPI document."""

from __future__ import annotations

from sqlalchemy import select

from plugin.models import Application
from plugin.operations.accounts import create_user, new_api_token
from tests.support.events import interview_event

SAM, KIM = "sam@staffing.example", "kim@staffing.example"


def setup_two(db, post_event, run_jobs):
    post_event(interview_event())
    post_event(
        interview_event(
            **{
                "data.candidate.id": "c-2",
                "data.candidate.email": "ravi@example.org",
                "data.application.id": "a-kim",
                "data.interview.id": "i-kim",
                "data.application.recruiter": {"email": KIM},
            }
        )
    )
    run_jobs()
    return {
        name: db.session.scalar(select(Application.id).filter_by(external_id=name))
        for name in ("a-5521", "a-kim")
    }


def bearer(email, admin=False):
    return {"Authorization": f"Bearer {new_api_token(create_user(email, admin))}"}


def test_no_token_is_401_naming_the_header(client):
    response = client.get("/api/applications")

    assert response.status_code == 401
    assert response.get_json()["fields"] == {
        "Authorization": ["Missing or unknown token."]
    }


def test_a_wrong_token_is_401(client):
    response = client.get(
        "/api/applications", headers={"Authorization": "Bearer fuc_x"}
    )

    assert response.status_code == 401


def test_list_shows_only_my_applications(db, client, post_event, run_jobs):
    ids = setup_two(db, post_event, run_jobs)

    body = client.get("/api/applications", headers=bearer(SAM)).get_json()

    assert [a["id"] for a in body["applications"]] == [ids["a-5521"]]
    assert body["applications"][0]["next_step"] == "thank_you"


def test_another_recruiters_application_is_404_for_read_and_write(
    db, client, post_event, run_jobs
):
    ids = setup_two(db, post_event, run_jobs)
    headers = bearer(SAM)

    read = client.get(f"/api/applications/{ids['a-kim']}", headers=headers)
    write = client.post(
        f"/api/applications/{ids['a-kim']}/pause", json={}, headers=headers
    )

    assert (read.status_code, write.status_code) == (404, 404)
    db.session.expire_all()
    assert db.session.get(Application, ids["a-kim"]).paused_at is None


def test_pause_resume_and_deadline(db, client, post_event, run_jobs):
    ids = setup_two(db, post_event, run_jobs)
    headers, dana = bearer(SAM), ids["a-5521"]

    paused = client.post(
        f"/api/applications/{dana}/pause", json={"until": None}, headers=headers
    )
    resumed = client.post(f"/api/applications/{dana}/resume", headers=headers)
    deadline = client.put(
        f"/api/applications/{dana}/deadline",
        json={"decision_deadline": "2026-12-20"},
        headers=headers,
    )

    assert (
        paused.get_json()["stopped_reason"] == "the candidate paused this application"
    )
    assert resumed.get_json()["stopped_reason"] is None
    check_in = next(s for s in deadline.get_json()["steps"] if s["step"] == "check_in")
    assert check_in["due_candidate_local"].startswith("2026-12-24T08:00")


def test_bad_input_is_422_naming_the_field(db, client, post_event, run_jobs):
    ids = setup_two(db, post_event, run_jobs)

    response = client.put(
        f"/api/applications/{ids['a-5521']}/deadline",
        json={"decision_deadline": "soon"},
        headers=bearer(SAM),
    )

    assert response.status_code == 422
    assert "decision_deadline" in response.get_json()["fields"]


def test_admin_sees_every_application(db, client, post_event, run_jobs):
    setup_two(db, post_event, run_jobs)

    body = client.get(
        "/api/applications", headers=bearer("boss@x.example", True)
    ).get_json()

    assert len(body["applications"]) == 2


def test_openapi_document_is_valid_and_lists_the_paths(client):
    from openapi_spec_validator import validate

    document = client.get("/openapi.json").get_json()

    validate(document)
    assert {
        "/api/applications",
        "/api/applications/{application_id}",
        "/api/digest",
        "/api/applications/{application_id}/deadline",
    } <= set(document["paths"])
    assert "DigestOutput" in document["components"]["schemas"]
