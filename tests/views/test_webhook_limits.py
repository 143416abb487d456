"""Bodies too deep or too long get a 4xx on the webhook and its preview, never a 500."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from plugin.models import InboxEvent
from tests.support.events import interview_event as event
from tests.support.signing import signed_headers

PATHS = ["/webhooks/standard", "/webhooks/standard/preview"]
LIMIT = 256 * 1024


def stored(db) -> int:
    return db.session.scalar(select(func.count()).select_from(InboxEvent))


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    "body",
    [
        b"[" * 10_000 + b"]" * 10_000,
        b'{"data": ' * 10_000 + b"1" + b"}" * 10_000,
    ],
    ids=["array", "object"],
)
def test_json_nested_10000_deep_is_400(db, post_event, path, body):
    response = post_event(None, body=body, path=path)

    assert response.status_code == 400
    assert response.get_json()["fields"] == {"body": ["JSON nested too deeply."]}
    assert stored(db) == 0


@pytest.mark.parametrize("path", PATHS)
def test_a_number_python_cannot_read_is_400(db, post_event, path):
    response = post_event(None, body=b'{"type": ' + b"9" * 5000 + b"}", path=path)

    assert response.status_code == 400
    assert stored(db) == 0


def test_a_delivery_id_with_a_nul_byte_is_400(db, post_event):
    response = post_event(event(), msg_id="msg_\x00")

    assert response.status_code == 400
    assert "webhook-id" in response.get_json()["fields"]
    assert stored(db) == 0


@pytest.fixture
def server(app) -> Iterator[int]:
    """The app behind werkzeug's real HTTP server, which de-chunks request bodies."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_port
    httpd.shutdown()
    thread.join(timeout=5)


def post_chunked(app, port: int, raw: bytes) -> tuple[int, dict]:
    """POST `raw` signed, with Transfer-Encoding: chunked and no Content-Length."""
    key = app.config["STANDARD_WEBHOOK_SECRETS"][0]
    headers = {**signed_headers(key, raw), "Content-Type": "application/json"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    chunks = (raw[i : i + 16384] for i in range(0, len(raw), 16384))
    connection.request(
        "POST", "/webhooks/standard", body=chunks, headers=headers, encode_chunked=True
    )
    response = connection.getresponse()
    answer = (response.status, json.loads(response.read()))
    connection.close()
    return answer


def padded(size: int) -> bytes:
    """The example event, padded with an unknown field to exactly `size` bytes."""
    raw = json.dumps(event(padding="")).encode()
    return json.dumps(event(padding="x" * (size - len(raw)))).encode()


def test_a_chunked_body_over_the_limit_is_413(app, db, server):
    status, body = post_chunked(app, server, padded(LIMIT + 10_000))

    assert status == 413
    assert body["fields"] == {"body": ["Larger than the size limit."]}
    assert stored(db) == 0


def test_a_chunked_body_one_byte_over_the_limit_is_413(app, db, server):
    status, _ = post_chunked(app, server, padded(LIMIT + 1))

    assert status == 413


def test_a_chunked_body_of_exactly_the_limit_is_accepted(app, db, server):
    status, body = post_chunked(app, server, padded(LIMIT))

    assert (status, body["status"]) == (202, "accepted")
    assert stored(db) == 1
