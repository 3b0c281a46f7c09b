"""No secrets in the repository; every form refuses a post without its CSRF token."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.test import Client

from accounts.roles import Role
from tests.factories import CaseFactory, ChildFactory, UserFactory, staff

ROOT = Path(__file__).resolve().parents[2]
# What the project writes or installs, not what it commits.
NOT_OURS = {
    ".git", ".venv", "node_modules", ".make", "staticfiles", "build", "__pycache__",
    ".hypothesis", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".import_linter_cache",
}  # fmt: skip
BINARY = {".png", ".ico", ".woff", ".woff2", ".pdf", ".xlsx", ".sqlite3", ".pyc"}
NOTIFY_KEY = r"-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}" * 2
SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "GOV.UK Notify key": re.compile(NOTIFY_KEY),
    "password in a URL": re.compile(
        r"[a-z]+://[^/\s:@]+:[^/\s:@]{6,}@(?!host|127\.0\.0\.1|localhost)"
    ),
    "Django secret key": re.compile(r"SECRET_KEY\s*=\s*['\"](?!insecure-)[^'\"]{20,}['\"]"),
}


def project_files() -> list[Path]:
    found = []
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if name not in NOT_OURS]
        found += [Path(folder) / name for name in names if Path(name).suffix not in BINARY]
    return found


def test_no_secrets_are_in_the_project_files():
    found = []
    for path in project_files():
        text = path.read_text(encoding="utf-8", errors="ignore")
        found += [(path.name, what) for what, rule in SECRET_PATTERNS.items() if rule.search(text)]

    assert found == []


@pytest.mark.parametrize(
    ("what", "example"),
    [
        # Built from pieces, so that this file does not hold what it looks for.
        ("private key", "-----BEGIN RSA " + "PRIVATE KEY-----"),
        ("AWS access key", "key = AKIA" + "ABCDEFGHIJKLMNOP"),
        (
            "GOV.UK Notify key",
            "live-" + "-".join(["0123abcd", "0123", "4567", "89ab", "0" * 12] * 2),
        ),
        ("password in a URL", "postgres://pathway:" + "s3cretpass@db.example.org/pathway"),
        ("Django secret key", "SECRET" + "_KEY = 'k3j4h5g6f7d8s9a0p1o2i3u4y5t6r7e8'"),
    ],
)
def test_each_rule_recognises_the_secret_it_is_for(what, example):
    assert SECRET_PATTERNS[what].search(example)


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def test_sign_in_refuses_a_post_without_its_csrf_token(csrf_client, db):
    response = csrf_client.post("/sign-in/", {"username": "x@example.org", "password": "x"})

    assert response.status_code == 403


@pytest.mark.parametrize(
    "path",
    ["/referrals/new/", "/feedback/", "/notifications/"],
)
def test_forms_of_signed_in_pages_refuse_a_post_without_the_token(csrf_client, team, path):
    user = staff(Role.PRACTITIONER, team)
    if path == "/feedback/":
        user = UserFactory(role=Role.FAMILY)
        ChildFactory(team=team).family_members.create(name="Mum", relationship="mother", user=user)
    csrf_client.force_login(user)

    assert csrf_client.post(path, {}).status_code == 403


def test_a_transition_form_refuses_a_post_without_the_token(csrf_client, team, manager):
    case = CaseFactory(child=ChildFactory(team=team))
    csrf_client.force_login(manager)

    response = csrf_client.post(f"/cases/{case.pk}/steps/accept_referral/", {"note": "x"})

    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == "referred"
