"""`GET /` is a small page for a first visit, not a JSON 404."""

from __future__ import annotations


def test_first_visit_explains_and_links_to_sign_in(client):
    page = client.get("/")

    assert page.status_code == 200
    assert page.mimetype == "text/html"
    body = page.get_data(as_text=True)
    assert "Follow-Up Coach" in body
    assert 'href="/login"' in body
    assert "The service is running." in body
    assert 'href="/healthz"' in body
