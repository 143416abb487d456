"""The JSON API: bearer tokens, each user's own data, and an OpenAPI document."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from plugin.models import Application
from plugin.operations.accounts import create_user, new_api_token
from plugin.operations.suppressions import is_suppressed, list_suppressions
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


# --- Hostile bodies: a 4xx in the error shape, never a 500, nothing stored -----


def deadline_of(db, application_id):
    db.session.expire_all()
    return db.session.get(Application, application_id).decision_deadline


def test_a_10000_deep_json_array_is_400_naming_the_body(
    db, client, post_event, run_jobs
):
    dana = setup_two(db, post_event, run_jobs)["a-5521"]
    before = deadline_of(db, dana)

    response = client.put(
        f"/api/applications/{dana}/deadline",
        data="[" * 10_000 + "]" * 10_000,
        content_type="application/json",
        headers=bearer(SAM),
    )

    assert response.status_code == 400
    assert response.get_json() == {
        "error": "invalid_json",
        "message": "The body is not JSON.",
        "fields": {"body": ["JSON nested too deeply."]},
    }
    assert deadline_of(db, dana) == before


@pytest.mark.parametrize(
    "body",
    ["{", "[1,", "\xff", "1" * 5000],
    ids=["cut-short", "unclosed-array", "not-utf8", "number-over-4300-digits"],
)
def test_a_body_that_is_not_json_is_400(db, client, post_event, run_jobs, body):
    dana = setup_two(db, post_event, run_jobs)["a-5521"]

    response = client.put(
        f"/api/applications/{dana}/deadline",
        data=body.encode("latin-1"),
        content_type="application/json",
        headers=bearer(SAM),
    )

    assert response.status_code == 400
    assert response.get_json()["fields"] == {"body": ["Not a JSON document."]}


@pytest.mark.parametrize("body", [[], "2026-12-20", 7, None])
def test_json_that_is_not_an_object_is_422(db, client, post_event, run_jobs, body):
    dana = setup_two(db, post_event, run_jobs)["a-5521"]
    headers = bearer(SAM)

    sent = {"data": json.dumps(body), "content_type": "application/json"}

    answers = [
        client.put(f"/api/applications/{dana}/deadline", headers=headers, **sent),
        client.post(f"/api/applications/{dana}/pause", headers=headers, **sent),
    ]

    assert [a.status_code for a in answers] == [422, 422]
    assert [a.get_json()["fields"] for a in answers] == [
        {"body": ["Send a JSON object."]}
    ] * 2
    db.session.expire_all()
    assert db.session.get(Application, dana).paused_at is None


@pytest.mark.parametrize(
    "deadline", ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"]
)
def test_a_deadline_outside_2000_to_2100_is_422_and_not_stored(
    db, client, post_event, run_jobs, deadline
):
    dana = setup_two(db, post_event, run_jobs)["a-5521"]
    before = deadline_of(db, dana)

    response = client.put(
        f"/api/applications/{dana}/deadline",
        json={"decision_deadline": deadline},
        headers=bearer(SAM),
    )

    assert response.status_code == 422
    assert response.get_json()["fields"] == {
        "decision_deadline": ["Must be in the years 2000 to 2100."]
    }
    assert deadline_of(db, dana) == before


def test_the_edges_of_the_accepted_years_are_taken(db, client, post_event, run_jobs):
    dana = setup_two(db, post_event, run_jobs)["a-5521"]
    headers = bearer(SAM)

    answers = [
        client.put(
            f"/api/applications/{dana}/deadline",
            json={"decision_deadline": day},
            headers=headers,
        ).status_code
        for day in ("2000-01-01", "2100-12-31")
    ]

    assert answers == [200, 200]
    assert str(deadline_of(db, dana)) == "2100-12-31"


def test_a_paused_application_refuses_a_far_deadline_and_still_resumes(
    db, client, post_event, run_jobs
):
    dana = setup_two(db, post_event, run_jobs)["a-5521"]
    headers = bearer(SAM)
    client.post(f"/api/applications/{dana}/pause", json={}, headers=headers)
    before = deadline_of(db, dana)

    refused = client.put(
        f"/api/applications/{dana}/deadline",
        json={"decision_deadline": "9999-12-31"},
        headers=headers,
    )
    resumed = client.post(f"/api/applications/{dana}/resume", headers=headers)

    assert refused.status_code == 422
    assert deadline_of(db, dana) == before
    assert resumed.status_code == 200
    assert resumed.get_json()["stopped_reason"] is None


def test_a_pause_date_outside_2000_to_2100_is_422_and_nothing_pauses(
    db, client, post_event, run_jobs
):
    dana = setup_two(db, post_event, run_jobs)["a-5521"]

    response = client.post(
        f"/api/applications/{dana}/pause",
        json={"until": "9999-12-31"},
        headers=bearer(SAM),
    )

    assert response.status_code == 422
    assert response.get_json()["fields"] == {
        "until": ["Must be in the years 2000 to 2100."]
    }
    db.session.expire_all()
    assert db.session.get(Application, dana).paused_at is None


def test_a_pause_without_a_body_lasts_until_resumed(db, client, post_event, run_jobs):
    dana = setup_two(db, post_event, run_jobs)["a-5521"]

    response = client.post(f"/api/applications/{dana}/pause", headers=bearer(SAM))

    assert response.status_code == 200
    db.session.expire_all()
    found = db.session.get(Application, dana)
    assert (found.paused_at is not None, found.paused_until) == (True, None)


# --- The suppression list, fed by an admin's token -----------------------------


def test_an_admin_adds_an_address_201_then_200_when_known(client):
    headers = bearer("boss@staffing.example", admin=True)

    first = client.post(
        "/api/suppressions",
        json={"email": "Dana@Example.org", "reason": "bounce"},
        headers=headers,
    )
    again = client.post(
        "/api/suppressions",
        json={"email": "DANA@example.ORG", "reason": "complaint"},
        headers=headers,
    )

    assert (first.status_code, first.get_json()) == (201, {"status": "added"})
    assert (again.status_code, again.get_json()) == (
        200,
        {"status": "already_suppressed"},
    )
    assert is_suppressed("dana@example.org")


def test_a_recruiters_token_is_403_and_adds_nothing(client):
    response = client.post(
        "/api/suppressions",
        json={"email": "dana@example.org", "reason": "bounce"},
        headers=bearer(SAM),
    )

    assert response.status_code == 403
    assert response.get_json() == {
        "error": "forbidden",
        "message": "Only an admin's token may do this.",
        "fields": {"Authorization": ["Not an admin's token."]},
    }
    assert not is_suppressed("dana@example.org")


def test_a_recruiters_token_is_403_even_with_a_bad_body(client):
    response = client.post(
        "/api/suppressions",
        data="{",
        content_type="application/json",
        headers=bearer(SAM),
    )

    assert response.status_code == 403


def test_no_token_is_401_on_suppressions(client):
    response = client.post(
        "/api/suppressions", json={"email": "dana@example.org", "reason": "bounce"}
    )

    assert response.status_code == 401
    assert not is_suppressed("dana@example.org")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "dana@example.org", "reason": "spite"}, "reason"),
        ({"email": "dana@example.org"}, "reason"),
        ({"email": "not an address", "reason": "manual"}, "email"),
        (
            {"email": "dana@example.org\r\nBcc: x@y.example", "reason": "manual"},
            "email",
        ),
        ({"reason": "manual"}, "email"),
        ({"email": ["dana@example.org"], "reason": "manual"}, "email"),
    ],
)
def test_a_bad_suppression_is_422_naming_the_field(client, body, field):
    response = client.post(
        "/api/suppressions",
        json=body,
        headers=bearer("boss@staffing.example", admin=True),
    )

    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == [field]
    assert list_suppressions() == []


@pytest.mark.parametrize("application_id", [2**31, 10**30])
def test_an_id_beyond_the_id_column_is_404_not_500(client, application_id):
    response = client.put(
        f"/api/applications/{application_id}/deadline",
        json={"decision_deadline": "2026-12-20"},
        headers=bearer(SAM),
    )

    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


# --- Error answers keep our shape; pages keep their HTML ------------------------


def test_an_unknown_api_path_answers_in_our_error_shape(client):
    response = client.get("/api/nothing-here")

    assert response.status_code == 404
    assert set(response.get_json()) == {"error", "message"}


def test_a_wrong_method_answers_in_our_error_shape(client):
    response = client.delete("/api/digest")

    assert response.status_code == 405
    assert response.get_json()["error"] == "method_not_allowed"


def test_a_missing_page_is_still_an_html_page(client):
    response = client.get("/dashboard/nothing-here")

    assert response.status_code == 404
    assert response.mimetype == "text/html"
