"""Security headers on every kind of response: HTML pages, the JSON API, downloads,
static files, redirects and errors (404, 405, 500), signed in or not."""
import re
from pathlib import Path

import pytest
from conftest import client_as

from expertnet.web import responses as web

TEMPLATES = Path(__file__).resolve().parent.parent / "expertnet" / "templates"
EXPECTED_CSP = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'",
    "img-src": "'self' data:", "object-src": "'none'", "base-uri": "'self'",
    "form-action": "'self'", "frame-ancestors": "'none'",
}


def check_headers(response, path):
    headers = response.headers
    directives = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    for name, value in EXPECTED_CSP.items():
        assert directives.get(name) == value, (path, name, directives.get(name))
    assert "unsafe-inline" not in headers["Content-Security-Policy"], path
    assert "unsafe-eval" not in headers["Content-Security-Policy"], path
    assert headers["X-Content-Type-Options"] == "nosniff", path
    assert headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")
    assert headers["X-Frame-Options"] == "DENY", path
    assert "camera=()" in headers["Permissions-Policy"] and "geolocation=()" in headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in headers, path  # served over plain HTTP here
    assert re.fullmatch(r"[A-Za-z0-9._:-]{8,128}", headers["X-Request-ID"]), path
    if not path.startswith("/static/"):
        assert headers["Cache-Control"] == "no-store", path


@pytest.fixture
def crashing_app(app):
    """The app with one view that fails (before any request, so it may still be added)."""
    def crash():
        raise RuntimeError("boom")
    app.add_url_rule("/crash-for-test", "crash_for_test", crash)
    app.add_url_rule("/api/v1/crash-for-test", "api_crash_for_test", crash)
    return app


@pytest.mark.own_url_map
def test_every_kind_of_response_carries_the_headers(crashing_app, add, make_user):
    app = crashing_app
    expert = add(full_name="Nguyễn Văn Đức", fields="ai", country="JP")
    anonymous = app.test_client()
    responses = {
        "/": 200, "/search?q=duc": 200, f"/experts/{expert.id}": 200, "/fields": 200,
        "/auth/login": 200, "/api/v1/experts?q=duc": 200, f"/api/v1/experts/{expert.id}": 200,
        "/api/v1/fields": 200, "/api/v1/suggest?q=ng": 200, "/api/v1/openapi.json": 200,
        "/healthz": 200, "/static/css/app.css": 200, "/static/js/suggest.js": 200,
        "/nowhere": 404, "/api/v1/nowhere": 404, "/search?kind=alien": 400,
        "/account": 302, "/crash-for-test": 500, "/api/v1/crash-for-test": 500,
    }
    for path, status in responses.items():
        with anonymous.get(path) as response:
            assert response.status_code == status, (path, response.status_code)
            check_headers(response, path)
    response = anonymous.post("/api/v1/experts")
    assert response.status_code == 405
    check_headers(response, "/api/v1/experts (POST)")

    curator = client_as(app, make_user("curator"))
    for path in ["/search/export.csv", "/search/export.xlsx", f"/experts/{expert.id}/vcard",
                 f"/experts/{expert.id}/edit", "/curate/imports", "/account/data.json"]:
        with curator.get(path) as response:
            assert response.status_code == 200, (path, response.status_code)
            check_headers(response, path)
    with curator.get("/search/export.csv") as download:
        assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]


@pytest.mark.own_url_map
def test_500_pages_hold_no_traceback(crashing_app):
    for path in ("/crash-for-test", "/api/v1/crash-for-test"):
        response = crashing_app.test_client().get(path)
        assert response.status_code == 500
        assert b"Traceback" not in response.data and b"boom" not in response.data


@pytest.mark.parametrize("setting, secure, expected", [
    ("auto", False, False), ("auto", True, True), ("always", False, True), ("never", True, False),
])
def test_hsts_follows_the_setting_and_the_scheme(app, setting, secure, expected):
    app.config["HSTS"] = setting
    base = "https://localhost" if secure else "http://localhost"
    response = app.test_client().get("/", base_url=base)
    assert ("Strict-Transport-Security" in response.headers) == expected
    if expected:
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_templates_hold_no_inline_script_style_or_handler():
    """What the policy would block: inline scripts (JSON-LD data blocks are not run and
    are allowed), style attributes, <style> elements and on…= handlers."""
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for match in re.finditer(r"<script\b([^>]*)>", text):
            attributes = match.group(1)
            assert "src=" in attributes or 'type="application/ld+json"' in attributes, template
        assert not re.search(r"\sstyle\s*=", text), template
        assert "<style" not in text, template
        assert not re.search(r"\son[a-z]+\s*=", text), template
        assert "javascript:" not in text, template


def test_the_policy_constant_is_the_one_sent(client):
    assert client.get("/").headers["Content-Security-Policy"] == web.CONTENT_SECURITY_POLICY
