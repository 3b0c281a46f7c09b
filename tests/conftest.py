"""Shared fixtures, and the rule that CI runs every suite: a missing Redis or Chromium fails there.

Locally a missing binary skips its tests with a loud message instead.
"""

from __future__ import annotations

import os
import shutil
from importlib import import_module

import factory.random
import hypothesis
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from accounts.models import Team, User
from accounts.roles import Role
from tests.factories import TeamFactory, staff

IN_CI = os.environ.get("CI") == "true"

# CI replays the same random examples every run, so that a merge is judged on its own change;
# `make test` on a workstation draws new ones each time and keeps finding what CI would not.
hypothesis.settings.register_profile("ci", derandomize=True)
if IN_CI:
    hypothesis.settings.load_profile("ci")


def require_binary(name: str, *, suite: str, candidates: tuple[str, ...] = ()) -> str:
    """The path of `name`; skips (locally) or fails (in CI) when it is not installed."""
    for candidate in (name, *candidates):
        found = shutil.which(candidate)
        if found:
            return found
    message = f"{suite} tests need '{name}', which is not installed on this machine"
    if IN_CI:
        pytest.fail(f"{message}; CI must run every suite (.ci/run installs it).", pytrace=False)
    print(f"\n!!! SKIPPED: {message}. `.ci/run` shows how to install it. !!!")
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _ledger_rows_removable_after_transactional_tests(request: pytest.FixtureRequest):
    """Let the test database be emptied after a test that really commits ledger entries.

    The ledger's triggers refuse DELETE; on SQLite Django empties tables with DELETE (on
    PostgreSQL with TRUNCATE, which row triggers do not see). So after such a test the entries
    are flushed with the triggers briefly dropped, and the triggers are put back at once.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    if connection.vendor == "sqlite":
        triggers = import_module("budgets.migrations.0002_ledger_append_only")
        with connection.cursor() as cursor:
            for sql in triggers.SQLITE_DROP:
                cursor.execute(sql)
        call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
        with connection.cursor() as cursor:
            for sql in triggers.SQLITE_CREATE:
                cursor.execute(sql)


@pytest.fixture(autouse=True)
def _reproducible_fakes(request: pytest.FixtureRequest) -> None:
    """The factories' fake names, addresses and dates follow from the test's id alone, so a test
    sees the same people on every run, alone, in any order or on any worker."""
    factory.random.reseed_random(request.node.nodeid)


@pytest.fixture(autouse=True, scope="session")
def _uploads_in_a_folder_of_the_run(tmp_path_factory: pytest.TempPathFactory):
    """Uploaded documents are written under a folder of this run's own, never the checkout."""
    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


@pytest.fixture
def team(db: None) -> Team:
    return TeamFactory()


@pytest.fixture
def other_team(db: None) -> Team:
    return TeamFactory()


@pytest.fixture
def practitioner(team: Team) -> User:
    return staff(Role.PRACTITIONER, team)


@pytest.fixture
def manager(team: Team) -> User:
    return staff(Role.TEAM_MANAGER, team)


@pytest.fixture
def second_manager(team: Team) -> User:
    return staff(Role.TEAM_MANAGER, team)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI, a run in which the integration or browser suite was skipped is a failed run."""
    if not IN_CI:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    guarded = [
        report
        for report in skipped
        if "integration" in report.keywords or "browser" in report.keywords
    ]
    if guarded:
        print(f"\nCI=true but {len(guarded)} integration/browser tests were skipped: failing.")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
