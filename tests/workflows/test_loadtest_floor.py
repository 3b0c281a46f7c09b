"""The load test's floor page (DESIGN §12): a signed-in page of the base template with one query
of its own, served only when PATHWAY_LOADTEST_FLOOR is on."""

from __future__ import annotations

import importlib

import pytest

import config.urls
from accounts.roles import Role
from tests.factories import UserFactory


@pytest.fixture
def floor_on(settings):
    settings.PATHWAY_LOADTEST_FLOOR = True
    importlib.reload(config.urls)
    settings.ROOT_URLCONF = "config.urls"
    yield
    settings.PATHWAY_LOADTEST_FLOOR = False
    importlib.reload(config.urls)


def test_there_is_no_floor_page_unless_the_setting_asks_for_one(client, db, settings):
    settings.ROOT_URLCONF = "config.urls"
    importlib.reload(config.urls)
    client.force_login(UserFactory(role=Role.PRACTITIONER))

    assert client.get("/loadtest-floor/").status_code == 404


@pytest.mark.parametrize("role", list(Role))
def test_the_floor_is_the_base_template_with_the_headers_one_query(
    client, db, floor_on, role, django_assert_num_queries
):
    client.force_login(UserFactory(role=role))
    client.get("/loadtest-floor/")  # the session's first page stamps its idle clock

    # The session, the user with their roles, and the header's unread count.
    with django_assert_num_queries(3):
        page = client.get("/loadtest-floor/")

    assert page.status_code == 200
    assert "govuk-template" in page.content.decode()
    assert '<h1 class="govuk-heading-l">Signed in</h1>' in page.content.decode()


def test_the_floor_asks_a_signed_out_visitor_to_sign_in(client, db, floor_on):
    response = client.get("/loadtest-floor/")

    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
