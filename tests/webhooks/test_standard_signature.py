"""Standard Webhooks signatures: verified on the raw bytes, in constant time."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from plugin.models import InboxEvent
from tests.support.events import interview_event
from tests.support.signing import WEBHOOK_SECRET, sign_headers

OTHER_SECRET = (
    "whsec_" + base64.b64encode(b"another key, used before rotation").decode()
)


def stored_events(db) -> int:
    return db.session.scalar(select(func.count()).select_from(InboxEvent))


def test_non_ascii_body_is_verified_on_its_exact_bytes(db, post_event):
    event = interview_event(
        **{
            "data.candidate.first_name": "Zoë",
            "data.candidate.last_name": "Øberg-Nguyễn",
        }
    )
    raw = json.dumps(event, ensure_ascii=False).encode("utf-8")

    response = post_event(None, body=raw)

    assert response.status_code == 202
    assert db.session.scalars(select(InboxEvent)).one().raw_body == raw


def test_escaped_and_unescaped_bodies_sign_differently(db, client):
    event = interview_event(**{"data.candidate.first_name": "Zoë"})
    signed_for = json.dumps(event, ensure_ascii=False).encode()
    sent = json.dumps(event, ensure_ascii=True).encode()  # same JSON, other bytes

    response = client.post(
        "/webhooks/standard", data=sent, headers=sign_headers(signed_for)
    )

    assert response.status_code == 401
    assert stored_events(db) == 0


def test_several_signatures_in_the_header_any_may_match(db, client):
    raw = json.dumps(interview_event()).encode()
    headers = sign_headers(raw)
    headers["webhook-signature"] = (
        "v1,bm90IGEgcmVhbCBzaWduYXR1cmU= v1a,ZWQyNTUxOQ== "
        + headers["webhook-signature"]
    )

    assert (
        client.post("/webhooks/standard", data=raw, headers=headers).status_code == 202
    )


def test_a_rotated_key_is_accepted_while_both_are_configured(settings, redis):
    from plugin import create_app

    settings["STANDARD_WEBHOOK_SECRET"] = f"{WEBHOOK_SECRET} {OTHER_SECRET}"
    app = create_app(settings)
    raw = json.dumps(interview_event()).encode()
    with app.app_context():
        client = app.test_client()
        old = client.post(
            "/webhooks/standard",
            data=raw,
            headers=sign_headers(raw, secret=OTHER_SECRET),
        )
        new = client.post(
            "/webhooks/standard",
            data=raw,
            headers=sign_headers(raw, secret=WEBHOOK_SECRET),
        )
        from plugin.extensions import db

        db.session.query(InboxEvent).delete()
        db.session.commit()
    assert (old.status_code, new.status_code) == (202, 202)


def test_a_key_no_longer_configured_is_refused(db, client):
    raw = json.dumps(interview_event()).encode()

    response = client.post(
        "/webhooks/standard", data=raw, headers=sign_headers(raw, secret=OTHER_SECRET)
    )

    assert response.status_code == 401
    assert response.get_json()["fields"]["webhook-signature"]
    assert stored_events(db) == 0


@pytest.mark.parametrize("minutes", [-6, 6])
def test_timestamp_more_than_five_minutes_off_is_refused(db, client, minutes):
    raw = json.dumps(interview_event()).encode()
    sent_at = datetime.now(UTC) + timedelta(minutes=minutes)

    response = client.post(
        "/webhooks/standard", data=raw, headers=sign_headers(raw, sent_at=sent_at)
    )

    assert response.status_code == 401
    assert "5 minutes" in response.get_json()["message"]
    assert stored_events(db) == 0


def test_timestamp_four_minutes_old_is_accepted(db, client):
    raw = json.dumps(interview_event()).encode()
    sent_at = datetime.now(UTC) - timedelta(minutes=4)

    response = client.post(
        "/webhooks/standard", data=raw, headers=sign_headers(raw, sent_at=sent_at)
    )

    assert response.status_code == 202


@pytest.mark.parametrize(
    "change",
    [
        {"webhook-signature": ""},
        {"webhook-signature": "v1"},
        {"webhook-signature": "v1,"},
        {"webhook-signature": "v1,!!!not-base64!!!"},
        {"webhook-signature": "sha256=abcdef"},
        {"webhook-signature": "v2,c2lnbmF0dXJl"},
        {"webhook-signature": ",,, v1,,"},
        {"webhook-timestamp": "yesterday"},
        {"webhook-timestamp": "1e10"},
        {"webhook-timestamp": ""},
        {"webhook-id": ""},
        {"webhook-id": "x" * 201},
    ],
    ids=lambda change: (
        next(iter(change.items()))[0] + "=" + repr(next(iter(change.values())))[:20]
    ),
)
def test_malformed_signature_headers_get_401_and_store_nothing(db, client, change):
    raw = json.dumps(interview_event()).encode()
    headers = {**sign_headers(raw), **change}

    response = client.post("/webhooks/standard", data=raw, headers=headers)

    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_signature"
    assert stored_events(db) == 0


@pytest.mark.parametrize(
    "missing", ["webhook-id", "webhook-timestamp", "webhook-signature"]
)
def test_missing_signature_header_gets_401(db, client, missing):
    raw = json.dumps(interview_event()).encode()
    headers = sign_headers(raw)
    del headers[missing]

    response = client.post("/webhooks/standard", data=raw, headers=headers)

    assert response.status_code == 401
    assert missing in response.get_json()["message"]
    assert stored_events(db) == 0


def test_svix_header_names_are_accepted(db, client):
    raw = json.dumps(interview_event()).encode()
    headers = {k.replace("webhook-", "svix-"): v for k, v in sign_headers(raw).items()}

    assert (
        client.post("/webhooks/standard", data=raw, headers=headers).status_code == 202
    )


def test_signature_check_uses_constant_time_comparison(monkeypatch, db, post_event):
    import hmac as hmac_module

    calls = []
    real = hmac_module.compare_digest
    monkeypatch.setattr(
        hmac_module, "compare_digest", lambda a, b: calls.append(1) or real(a, b)
    )

    assert post_event(interview_event()).status_code == 202
    assert calls
