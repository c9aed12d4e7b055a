"""Security settings and their effects: deploy checks, CSP, login throttling and the
record of logins, password rules, admin for administrators only."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from inventory.choices import Role
from tests import factories

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_deploy_checks_are_clean_with_production_settings():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "tai-san.nghean.gov.vn",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests' thread, never in production
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    code = (
        "from django.conf import settings; "
        "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SECURE_SSL_REDIRECT, "
        "settings.SECURE_HSTS_SECONDS >= 31536000)"
    )
    shown = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    ).stdout.split()
    assert shown[-4:] == ["True", "True", "True", "True"]


def test_pages_carry_a_content_security_policy_with_a_nonce(client_as):
    response = client_as("demo-finance").get("/maps/")
    policy = response["Content-Security-Policy"]
    assert (
        "script-src 'self' 'nonce-" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    )
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"'.encode() in response.content  # the map's own script may run
    assert b"onchange=" not in response.content and b"onclick=" not in response.content


def test_five_failed_logins_lock_the_user_name_out_and_are_recorded(demo_user):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        client.post("/accounts/login/", {"username": "demo-auditor", "password": "sai-mat-khau"})
    assert AccessAttempt.objects.filter(username="demo-auditor").get().failures_since_start == 5
    locked = client.post(
        "/accounts/login/", {"username": "demo-auditor", "password": os.environ.get("DEMO_PASSWORD", "nghean2025")}
    )
    assert locked.status_code == 429
    other = Client(REMOTE_ADDR="198.51.100.9")  # the same user from elsewhere is not locked out
    ok = other.post(
        "/accounts/login/", {"username": "demo-auditor", "password": os.environ.get("DEMO_PASSWORD", "nghean2025")}
    )
    assert ok.status_code == 302
    assert AccessLog.objects.filter(username="demo-auditor").exists()


@pytest.mark.parametrize("password", ["12345678", "password", "demo-auditor1", "ab1"])
def test_weak_passwords_are_refused(demo_user, password):
    with pytest.raises(ValidationError):
        validate_password(password, demo_user("demo-auditor"))


def test_the_admin_is_for_administrators_only(client_as):
    finance_staff = factories.user(Role.FINANCE, is_staff=True)
    client = Client()
    client.force_login(finance_staff)
    assert client.get("/admin/").status_code == 302  # to the admin login: not for them
    assert client_as("demo-admin").get("/admin/").status_code == 200
