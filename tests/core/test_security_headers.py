"""Every page carries a Content-Security-Policy (own scripts only, never inline ones); with an https base
address, browsers are told to use HTTPS only and cookies never travel over plain HTTP (issue 12)."""

import json
import subprocess
import sys

import pytest
from django.test import Client

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


@pytest.mark.parametrize(
    "address", ["/", "/accounts/login/", "/api/me", "/api/v1/networks", "/api/fhir/metadata", "/nowhere/"]
)
def test_every_answer_carries_the_content_security_policy(db, address):
    response = Client().get(address)
    policy = directives(response["Content-Security-Policy"])
    assert POLICY.items() <= policy.items()
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in policy["script-src"]


def test_a_signed_in_page_carries_it_too(world):
    response = world.client_for("kim").get("/n/vln/")
    assert directives(response["Content-Security-Policy"])["script-src"] == "'self'"


def test_no_template_has_an_inline_script_or_event_handler():
    """Inline scripts would be blocked by the policy: every script is a file under static/."""
    import re
    from pathlib import Path

    import qicop

    offenders = []
    for template in Path(qicop.__file__).parent.rglob("templates/**/*.html"):
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")", text) or re.search(
            r"\son[a-z]+\s*=", text
        ):
            offenders.append(template.name)
    assert offenders == []


def settings_under(env: dict) -> dict:
    """The production settings' security values, read in a fresh interpreter with ``env``."""
    code = (
        "import json, os; os.environ['DJANGO_SETTINGS_MODULE']='qicop.settings';"
        "import django; django.setup();"
        "from django.conf import settings as s; print(json.dumps({k: getattr(s, k) for k in ("
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', 'SECURE_PROXY_SSL_HEADER',"
        "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'QICOP_CLIENT_IP_HEADER')}))"
    )
    base = {"PATH": "/usr/bin:/bin", "QICOP_VAR_DIR": "var-test-unused", "SECRET_KEY": "k" * 40}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**base, **env})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_an_https_base_address_turns_on_hsts_secure_cookies_and_the_proxys_https_header():
    https = settings_under({"QICOP_BASE_URL": "https://qicop.example.org"})
    assert https["SESSION_COOKIE_SECURE"] and https["CSRF_COOKIE_SECURE"]
    assert https["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert https["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert https["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_a_plain_http_address_sets_none_of_them():
    http = settings_under({"QICOP_BASE_URL": "http://127.0.0.1:8000"})
    assert not http["SESSION_COOKIE_SECURE"] and not http["CSRF_COOKIE_SECURE"]
    assert http["SECURE_HSTS_SECONDS"] == 0
    assert http["SECURE_PROXY_SSL_HEADER"] is None


def test_the_proxy_headers_and_hsts_can_be_configured():
    configured = settings_under(
        {
            "QICOP_BASE_URL": "https://qicop.example.org",
            "QICOP_PROXY_SSL_HEADER": "X-Forwarded-Ssl-Scheme",
            "QICOP_HSTS_SECONDS": "600",
            "QICOP_CLIENT_IP_HEADER": "X-Real-IP",
        }
    )
    assert configured["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_SSL_SCHEME", "https"]
    assert configured["SECURE_HSTS_SECONDS"] == 600
    assert configured["QICOP_CLIENT_IP_HEADER"] == "X-Real-IP"
    direct = settings_under({"QICOP_BASE_URL": "https://qicop.example.org", "QICOP_PROXY_SSL_HEADER": ""})
    assert direct["SECURE_PROXY_SSL_HEADER"] is None


HTTPS_PROXY = {"HTTP_X_FORWARDED_PROTO": "https"}


@pytest.mark.parametrize(("forwarded", "expected"), [(HTTPS_PROXY, "max-age=31536000"), ({}, None)])
def test_behind_the_proxy_an_https_request_gets_hsts_and_a_plain_one_does_not(
    db, settings, forwarded, expected
):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = Client().get("/accounts/login/", **forwarded)
    assert response.headers.get("Strict-Transport-Security") == expected
