"""/openapi.json: generated from the routes, webhooks included, errors in our shape."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

ERROR_REF = "#/components/schemas/ErrorOutput"
WEBHOOK_PATHS = ("/webhooks/{source_name}", "/webhooks/{source_name}/preview")


@pytest.fixture
def document(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield path, method, operation


def test_the_document_is_valid_openapi_3(document):
    validate(document)

    assert document["openapi"].startswith("3.")


def test_every_documented_path_is_a_route_of_the_app(app, document):
    routes = {
        re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule): rule.methods
        for rule in app.url_map.iter_rules()
    }

    for path, method, _ in operations(document):
        assert method.upper() in routes[path], (method, path)


@pytest.mark.parametrize(
    "path", ["/swagger-ui", "/redoc", "/rapidoc", "/openapi", "/api/openapi.json"]
)
def test_there_is_no_documentation_ui_nor_a_second_copy(client, path):
    assert client.get(path).status_code == 404


def test_every_api_operation_needs_a_bearer_token_and_says_401(document):
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
    }
    assert document["security"] == [{"bearer": []}]
    for path, _, operation in operations(document):
        if path.startswith("/api/"):
            assert "security" not in operation
            assert "401" in operation["responses"]


def test_every_refusal_is_documented_in_our_error_shape(document):
    error = document["components"]["schemas"]["ErrorOutput"]
    assert set(error["properties"]) == {"error", "message", "fields"}
    for path, method, operation in operations(document):
        for status, answer in operation["responses"].items():
            if path != "/healthz" and int(status) >= 400:
                schema = answer["content"]["application/json"]["schema"]
                assert schema == {"$ref": ERROR_REF}, (method, path, status)


def test_no_operation_hides_behind_a_default_answer(document):
    for _, _, operation in operations(document):
        assert "default" not in operation["responses"]


def test_the_webhooks_are_documented_with_their_signature_headers(document):
    for path in WEBHOOK_PATHS:
        operation = document["paths"][path]["post"]
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        body = operation["requestBody"]["content"]["application/json"]["schema"]

        assert headers == {"webhook-id", "webhook-timestamp", "webhook-signature"}
        assert body == {"$ref": "#/components/schemas/Event"}
        assert operation["security"] == []


def test_the_webhook_answers_are_all_documented(document):
    receive = document["paths"]["/webhooks/{source_name}"]["post"]["responses"]
    preview = document["paths"]["/webhooks/{source_name}/preview"]["post"]["responses"]

    refusals = {"400", "401", "404", "413", "422", "429"}
    assert set(receive) == {"200", "202", "503"} | refusals
    assert set(preview) == {"200"} | refusals


def test_the_source_names_are_those_registered(document):
    (source,) = document["paths"]["/webhooks/{source_name}"]["parameters"]

    assert source["in"] == "path"
    assert "standard" in source["schema"]["enum"]


def test_the_canonical_event_is_described_from_its_schema(document):
    event = document["components"]["schemas"]["Event"]

    assert set(event["required"]) == {"type", "timestamp", "data"}
    assert "interview.scheduled" in event["properties"]["type"]["enum"]


@pytest.mark.parametrize("path", ["/webhooks/standard", "/webhooks/standard/preview"])
def test_documenting_a_webhook_does_not_parse_it_before_its_signature(client, path):
    response = client.post(path, data=b"[" * 10_000, content_type="application/json")

    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_signature"


def test_the_health_check_is_documented_without_a_token(document):
    operation = document["paths"]["/healthz"]["get"]

    assert operation["security"] == []
    assert set(operation["responses"]) == {"200", "503"}


def test_the_metrics_are_documented_with_their_own_token(client, document):
    operation = document["paths"]["/metrics"]["get"]

    assert operation["security"] == []
    assert "METRICS_TOKEN" in operation["summary"]
    assert set(operation["responses"]) == {"200", "401"}
    assert client.get("/metrics").content_type.startswith("text/plain")


def test_the_deadline_documents_its_accepted_years(document):
    deadline = document["components"]["schemas"]["DeadlineInput"]["properties"]

    assert deadline["decision_deadline"]["format"] == "date"
    assert "2000 to 2100" in deadline["decision_deadline"]["description"]


def test_the_health_answer_has_exactly_the_documented_keys(client, document):
    documented = document["components"]["schemas"]["HealthAnswer"]

    answer = client.get("/healthz").get_json()

    assert set(answer) == set(documented["properties"]) == set(documented["required"])
