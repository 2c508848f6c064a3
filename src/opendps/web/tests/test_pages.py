"""The public front door and GOV.UK basics: home signed out, information pages, error pages."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from opendps.testing.factories import make_call, make_market, market_with_both_suppliers
from opendps.testing.fixtures import client_for
from opendps.web.views import server_error

pytestmark = pytest.mark.django_db

INFO_PAGES = [
    ("/accessibility", "Accessibility statement for OpenDPS", "Enforcement procedure"),
    ("/privacy", "Privacy notice", "Information Commissioner"),
    ("/cookies", "Cookies", "csrftoken"),
    ("/help", "Help and contact", "support@opendps.example"),
    ("/feedback", "Give feedback on OpenDPS", "What do you think of OpenDPS?"),
    ("/open-data", "Open data", "/ocds/releases"),
]


def text(response) -> str:
    return response.content.decode()


def test_signed_out_home_counts_what_is_open_and_shows_the_routes_in(people):
    market = market_with_both_suppliers(people)
    make_call(people, market, days=1, rapid=True)  # open
    make_call(people, market, days=1, rapid=True, publish=False)  # a draft: not counted
    make_market(people, publish=False)  # not published: not counted
    page = Client().get("/")
    assert page.status_code == 200
    body = text(page)
    assert "1 markets are open to join and 1 calls for competition are open" in body
    assert 'href="/markets"' in body and 'href="/account/register"' in body
    assert "CV support for 20 claimants" not in body  # the front door names no call yet


def test_signed_in_home_is_still_the_next_actions(people):
    assert "Your next actions" in text(client_for(people.buyer).get("/"))


@pytest.mark.parametrize(("path", "heading", "content"), INFO_PAGES)
def test_information_pages_are_public_and_linked_from_every_page(db, path, heading, content):
    page = Client().get(path)
    assert page.status_code == 200
    body = text(page)
    assert f">{heading}</h1>" in body
    assert content in body
    assert f'href="{path}"' in text(Client().get("/markets"))  # footer or phase banner


def test_the_phase_banner_links_to_feedback(db):
    assert 'href="/feedback"' in text(Client().get("/markets"))


def test_the_cookies_page_lists_every_cookie_the_service_sets(people):
    """Only the cookies the page lists: sign in, send a form, see a message."""
    client = Client(enforce_csrf_checks=False)
    client.get("/account/sign-in")
    client.post("/account/sign-in", {"username": people.buyer.email, "password": "x" * 3})
    client.force_login(people.buyer, backend="django.contrib.auth.backends.ModelBackend")
    client.post("/feedback", {"message": "Works well"})
    listed = text(Client().get("/cookies"))
    assert {"sessionid", "csrftoken"} <= set(client.cookies)  # the loop below checks them
    for name in client.cookies:
        assert f"<code>{name}</code>" in listed, name


def test_feedback_reaches_the_team_over_smtp_and_is_not_stored(
    people, mailbox, django_capture_on_commit_callbacks
):
    client = client_for(people.supplier_a_admin)
    empty = client.post("/feedback", {"message": "  "})
    assert "Tell us what you think" in text(empty)
    assert mailbox.messages == []
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            "/feedback", {"message": "The tender form is clear.", "email": "a@b.test"}
        )
    assert sent.status_code == 302
    (message,) = mailbox.to("support@opendps.example")
    assert message["Subject"] == "Feedback on OpenDPS"
    body = mailbox.body(message)
    assert "The tender form is clear." in body and "a@b.test" in body
    assert "admin@alpha.test" in body


def test_an_unknown_page_is_a_styled_404(db):
    page = Client().get("/no-such-page")
    assert page.status_code == 404
    body = text(page)
    assert "Page not found" in body and "govuk-footer" in body


def test_a_get_on_a_post_only_page_is_a_styled_405_that_says_what_it_takes(people):
    page = client_for(people.buyer).get("/account/sign-out")
    assert page.status_code == 405
    assert "POST" in page["Allow"] and "GET" not in page["Allow"]
    assert "This page cannot be used like that" in text(page)


def test_api_errors_are_json_with_a_code(db):
    missing = Client().get("/api/v1/no-such-thing")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Page not found", "code": "not_found"}


def test_a_server_error_is_a_page_in_the_layout(db):
    request = RequestFactory().get("/calls/1")
    request.user = None  # type: ignore[assignment]
    response = server_error(request)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in text(response)
    api = server_error(RequestFactory().get("/api/v1/competitions"))
    assert api.status_code == 500
    assert api["Content-Type"] == "application/json"
