"""Slow clients: the shipped gunicorn settings and nginx keep webhooks answering.

Real gunicorn (and Debian's nginx, when installed) on loopback; each slow client
sends a webhook's headers and then one body byte every half second, holding its
connection for the whole test.
"""

from __future__ import annotations

import json
import ssl

import pytest
import trustme

from tests.support.events import interview_event
from tests.support.ports import free_port
from tests.support.serving import (
    NGINX,
    SlowClients,
    gunicorn,
    nginx,
    request,
    site_config,
    wait_until_answering,
)
from tests.support.signing import sign_headers

PROMPT = 3.0  # seconds: what "still answers" means here


def signed_webhook() -> tuple[bytes, dict[str, str]]:
    body = json.dumps(interview_event()).encode()
    headers = {"Content-Type": "application/json", **sign_headers(body)}
    return body, headers


def probe(port, tls=None):
    """A signed webhook and a health check, each on a new connection."""
    body, headers = signed_webhook()
    return [
        request(port, "POST", "/webhooks/standard", body, headers, PROMPT, tls),
        request(port, "GET", "/healthz", timeout=PROMPT, tls=tls),
    ]


def test_shipped_gunicorn_answers_while_slow_clients_hold_connections(app, settings):
    port = free_port()
    with gunicorn(settings, port), SlowClients(port, count=6):
        answers = [answer for _ in range(3) for answer in probe(port)]

    assert [a.status for a in answers] == [202, 200] * 3
    assert max(a.seconds for a in answers) < PROMPT


def test_two_slow_clients_block_two_sync_workers(app, settings):
    # The configuration the image used to ship: the harness sees the blocking.
    port = free_port()
    old = ("--worker-class", "sync", "--workers", "2", "--threads", "1")
    with gunicorn(settings, port, *old), SlowClients(port, count=2):
        health = request(port, "GET", "/healthz", timeout=PROMPT)

    assert health.status is None


@pytest.mark.skipif(NGINX is None, reason="needs Debian's nginx (.ci/run installs it)")
def test_nginx_holds_more_slow_clients_than_gunicorn_has_threads(
    app, settings, tmp_path
):
    ca = trustme.CA()
    tls_dir = tmp_path / "tls"
    tls_dir.mkdir()
    cert = ca.issue_cert("127.0.0.1")
    cert.private_key_pem.write_to_path(str(tls_dir / "privkey.pem"))
    cert.cert_chain_pems[0].write_to_path(str(tls_dir / "fullchain.pem"))
    client_tls = ssl.create_default_context()
    ca.configure_trust(client_tls)
    upstream, http_port, https_port = free_port(), free_port(), free_port()
    settings["PROXY_HOPS"] = "1"
    site = site_config(upstream, http_port, https_port, tls_dir)

    with gunicorn(settings, upstream), nginx(tmp_path, site):
        wait_until_answering(https_port, client_tls)
        # 2 workers x 8 threads: 30 slow clients would tie up gunicorn twice over.
        with SlowClients(https_port, count=30, tls=client_tls):
            answers = [a for _ in range(3) for a in probe(https_port, client_tls)]
        plain = request(http_port, "GET", "/healthz", timeout=PROMPT)

    assert [a.status for a in answers] == [202, 200] * 3
    assert max(a.seconds for a in answers) < PROMPT
    assert plain.status == 301
