"""No request makes a 500: schemathesis drives every operation in /openapi.json.

Each webhook body is signed over the exact bytes sent, the Standard Webhooks way, so
a `standard` delivery reaches validation and storage instead of stopping at the
signature check (vendor sources sign their own way: for them it is a documented
401); API calls carry an admin's bearer token. Cases come from the document, both
fitting it and breaking it. Every answer must be one the document lists, in the
shape it documents, and a refused request must leave every stored row as it was.

It runs once, in the PostgreSQL pass: that is where stored text and numbers can be
refused by the database itself.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core import NotSet
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from plugin import clock
from plugin.models import Application
from plugin.operations.accounts import create_user, new_api_token
from tests.support.events import interview_event
from tests.support.signing import sign_headers

# Per operation; a smaller Hypothesis profile (CI's) lowers it further.
EXAMPLES_PER_OPERATION = min(25, settings.default.max_examples)

ON_POSTGRESQL = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# Every documented operation; a test below keeps this list and the document in step.
OPERATIONS = [
    ("GET", "/api/applications"),
    ("GET", "/api/applications/{application_id}"),
    ("POST", "/api/applications/{application_id}/pause"),
    ("POST", "/api/applications/{application_id}/resume"),
    ("PUT", "/api/applications/{application_id}/deadline"),
    ("GET", "/api/digest"),
    ("POST", "/api/suppressions"),
    ("POST", "/webhooks/{source_name}"),
    ("POST", "/webhooks/{source_name}/preview"),
    ("GET", "/healthz"),
    ("GET", "/metrics"),
]


@pytest.fixture
def seeded(db, post_event, run_jobs) -> list[int]:
    """Two applications, one of them paused: ids the generated paths may use."""
    post_event(interview_event())
    post_event(
        interview_event(
            **{
                "data.candidate.id": "c-2",
                "data.candidate.email": "ravi@example.org",
                "data.application.id": "a-2",
                "data.interview.id": "i-2",
            }
        )
    )
    run_jobs()
    ids = list(db.session.scalars(select(Application.id).order_by(Application.id)))
    db.session.get(Application, ids[1]).paused_at = clock.now()
    db.session.commit()
    return ids


@pytest.fixture
def admin_token(db) -> str:
    return new_api_token(create_user("boss@staffing.example", True))


def body_bytes(case: Any) -> bytes:
    """The exact bytes to send, so that the signature covers them."""
    if isinstance(case.body, NotSet):
        return b""
    if isinstance(case.body, bytes):  # negative cases may send raw bytes
        return case.body
    return json.dumps(case.body).encode()


def stored_rows(db) -> dict[str, list[tuple[Any, ...]]]:
    """Every stored row, except when a token was last used (a valid call sets it)."""
    rows = {}
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if c.name != "last_used_at"]
        rows[table.name] = sorted(
            (tuple(map(repr, row)) for row in db.session.execute(select(*columns))),
        )
    db.session.rollback()
    return rows


def test_every_documented_operation_is_exercised(client):
    document = client.get("/openapi.json").get_json()

    documented = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
        if method != "parameters"
    }

    assert documented == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
@pytest.mark.postgres_only
@pytest.mark.skipif(
    not ON_POSTGRESQL, reason="runs once, in the PostgreSQL pass (TEST_DATABASE_URL)"
)
def test_no_request_gets_a_500_or_an_undocumented_answer(
    app, db, seeded, admin_token, method, path
):
    operation = schemathesis.openapi.from_wsgi("/openapi.json", app)[path][method]
    headers = {"Authorization": f"Bearer {admin_token}"}
    answered: Counter[int] = Counter()

    @given(data=st.data())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def exercise(data: st.DataObject) -> None:
        mode = data.draw(st.sampled_from(GenerationMode))
        case = data.draw(operation.as_strategy(mode, path_parameters=known_id(data)))
        extra: dict[str, Any] = {}
        if path.startswith("/webhooks/"):
            extra["data"] = body_bytes(case)
            case.headers = {**(case.headers or {}), **sign_headers(extra["data"])}
        before = stored_rows(db)

        response = case.call(headers=headers, **extra)

        answered[response.status_code] += 1
        case.validate_response(response, checks=CHECKS, headers=headers)
        if response.status_code >= 400:
            assert stored_rows(db) == before

    def known_id(data: st.DataObject) -> dict[str, int] | None:
        # A generated id is almost never a real one: often use a seeded application,
        # so the write paths run past their 404.
        if "{application_id}" not in path or not data.draw(st.booleans()):
            return None
        return {"application_id": data.draw(st.sampled_from(seeded))}

    exercise()

    # Proof that the calls got past the door: signed webhooks are not all 401s,
    # and the token and seeded ids reach the API's normal answers.
    print(f"{method} {path}: {dict(sorted(answered.items()))}")
    if path.startswith("/webhooks/"):
        assert set(answered) - {401}
    else:
        assert any(200 <= status < 300 for status in answered)
