"""The membership journey in headless Chromium, each page checked with axe-core: a
commissioner sets up and publishes a DPS, a supplier applies with evidence, an evaluator
admits it, and the supplier sees the admission and gets the email."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from opendps.core import clock
from opendps.core.calendar import london_date
from opendps.markets.models import Category
from opendps.testing.factories import TINY_PDF, good_answers, questionnaire_of
from opendps.testing.fixtures import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARKET = "Employment Support DPS"
CATEGORY = "CV and job search support"


def h1(page: Any) -> Any:
    return page.get_by_role("heading", level=1).first


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/account/sign-in"))


def fill_date(page: Any, name: str, day: Any) -> None:
    page.locator(f'[name="{name}_day"]').fill(str(day.day))
    page.locator(f'[name="{name}_month"]').fill(str(day.month))
    page.locator(f'[name="{name}_year"]').fill(str(day.year))


def commissioner_publishes_a_market(page: Any) -> None:
    sign_in(page, "commissioner@authority.test")
    page.get_by_role("link", name="Your markets").click()
    expect(h1(page)).to_have_text("Your markets")
    assert_accessible(page)

    page.get_by_role("button", name="Set up a market").click()
    expect(h1(page)).to_contain_text("Which rules will the market run under?")
    assert_accessible(page)
    page.get_by_label("PCR 2015 Dynamic Purchasing System").check()
    page.get_by_role("button", name="Continue").click()
    expect(h1(page)).to_have_text("Set up a market")
    assert_accessible(page)
    page.get_by_role("button", name="Save and continue").click()  # nothing filled in
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a title")
    assert_accessible(page)

    page.get_by_label("Title", exact=True).fill(MARKET)
    page.get_by_label("Description", exact=True).fill("Support for people looking for work.")
    page.get_by_label("CPV codes").fill("79600000-0")
    page.get_by_label("Estimated total value").fill("1000000")
    page.get_by_label("Estimated number of purchases").fill("500")
    today = london_date(clock.now())
    fill_date(page, "validity_starts_at", today)
    fill_date(page, "validity_ends_at", today + timedelta(days=365))
    page.get_by_role("button", name="Save and continue").click()
    expect(h1(page)).to_have_text(MARKET)
    expect(page.get_by_text("Draft market created")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add a category").click()
    expect(h1(page)).to_have_text("Add a category")
    assert_accessible(page)
    page.get_by_label("Title", exact=True).fill(CATEGORY)
    page.get_by_label("Geographic areas (optional)").fill("Wales")
    page.get_by_role("button", name="Add category").click()
    expect(h1(page)).to_have_text(MARKET)

    page.get_by_role("link", name="Selection questions").click()
    expect(h1(page)).to_have_text(f"Questionnaire: {CATEGORY}")
    assert_accessible(page)
    page.go_back()

    page.get_by_role("link", name="Publish the market").click()
    expect(h1(page)).to_have_text(f"Publish {MARKET}")
    assert_accessible(page)
    page.get_by_role("button", name="Publish the market").click()
    expect(page.get_by_text("The market is published.")).to_be_visible()
    expect(page.locator("main .govuk-tag").first).to_have_text("Open")
    assert_accessible(page)
    sign_out(page)


def _fill_visible(page: Any, answers: dict[str, Any], questions: dict[str, Any]) -> None:
    """Answer the questions this section page asks (the page shows only its own)."""
    for question_id, value in answers.items():
        if page.locator(f'[name="{question_id}"]').count() == 0:
            continue
        if questions[question_id].kind in {"yes_no", "choice"}:
            page.locator(f'input[name="{question_id}"][value="{value}"]').check()
        else:
            page.locator(f'[name="{question_id}"]').fill(
                "Alpha Support CIC" if value == "x" else value
            )


def supplier_applies(page: Any, evidence: Any) -> None:
    """The task list: save part 1 for later, leave, come back, keep a file across an
    error, check the answers and send."""
    sign_in(page, "admin@alpha.test")
    page.get_by_role("link", name="Find markets").click()
    expect(h1(page)).to_have_text("Find markets")
    assert_accessible(page)
    page.get_by_role("link", name=MARKET).click()
    expect(h1(page)).to_have_text(MARKET)
    assert_accessible(page)
    page.get_by_role("button", name="Apply to join").click()
    expect(h1(page)).to_have_text(f"Apply to join {MARKET}")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()  # the only category, pre-selected
    expect(page.locator(".govuk-task-list")).to_be_visible()
    expect(page.get_by_text("You have completed 0 of")).to_be_visible()
    assert_accessible(page)

    questionnaire = questionnaire_of(Category.objects.get(title=CATEGORY))
    answers, files = good_answers(questionnaire)
    questions = questionnaire.by_id()
    page.get_by_role("link", name="Part 1: Supplier information").click()
    expect(h1(page)).to_have_text("Part 1: Supplier information")
    # The legal name comes from the organisation profile.
    expect(page.locator('[name="p1.legal_name"]')).to_have_value("Alpha Support CIC")
    assert_accessible(page)
    page.locator('input[name="p1.group"][value="no"]').check()
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()
    expect(page.locator(".govuk-task-list")).to_contain_text("In progress")
    assert_accessible(page)
    sign_out(page)  # leave

    sign_in(page, "admin@alpha.test")  # and return
    page.get_by_role("link", name="Your applications").click()
    page.get_by_role("link", name=f"Continue your application to {MARKET}").click()
    expect(page.locator(".govuk-task-list")).to_contain_text("In progress")
    page.get_by_role("link", name="Part 1: Supplier information").click()
    expect(page.locator('input[name="p1.group"][value="no"]')).to_be_checked()
    for _step in range(20):
        if h1(page).inner_text().startswith("Check your answers"):
            break
        file_inputs = [qid for qid in files if page.locator(f'input[name="{qid}"]').count()]
        if file_inputs:
            # A file chosen on a page with an error is kept: no need to choose it again.
            for question_id in file_inputs:
                page.locator(f'input[name="{question_id}"]').set_input_files(str(evidence))
            page.get_by_role("button", name="Save and continue").click()
            expect(page.locator(".govuk-error-summary")).to_be_visible()
            expect(page.get_by_text("Kept: evidence.pdf.").first).to_be_visible()
            assert_accessible(page)
        _fill_visible(page, answers, questions)
        page.get_by_role("button", name="Save and continue").click()
        expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(h1(page)).to_have_text("Check your answers before sending your application")
    expect(page.locator("main")).to_contain_text("evidence.pdf")
    assert_accessible(page)
    page.get_by_role("button", name="Accept and send").click()
    expect(h1(page)).to_have_text("Your applications")
    expect(page.get_by_text("Your application is sent.")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Awaiting decision")
    assert_accessible(page)
    sign_out(page)


def evaluator_admits(page: Any) -> None:
    sign_in(page, "evaluator@authority.test")
    expect(page.get_by_text("1 application to assess")).to_be_visible()
    page.get_by_role("link", name="Applications to assess").first.click()
    expect(h1(page)).to_have_text("Applications to assess")
    assert_accessible(page)
    page.get_by_role("link", name="Alpha Support CIC").click()
    expect(h1(page)).to_have_text("Assess Alpha Support CIC")
    expect(page.get_by_role("link", name="Download evidence.pdf")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Admit").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Alpha Support CIC is admitted to")).to_be_visible()
    expect(page.get_by_text("No applications are waiting for a decision.")).to_be_visible()
    assert_accessible(page)
    sign_out(page)


def supplier_sees_the_admission(page: Any, mailbox: Any) -> None:
    sign_in(page, "admin@alpha.test")
    page.get_by_role("link", name="Your applications").click()
    expect(page.get_by_role("table")).to_contain_text("Admitted")
    page.get_by_role("link", name=CATEGORY).click()
    expect(h1(page)).to_have_text(f"Application to {CATEGORY}")
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Admitted")
    assert_accessible(page)
    page.get_by_role("link", name="Your memberships").click()
    expect(page.get_by_role("table")).to_contain_text(CATEGORY)
    expect(page.get_by_role("table")).to_contain_text("Active")
    assert_accessible(page)
    subjects = [message["Subject"] for message in mailbox.to("admin@alpha.test")]
    assert f"Admitted to {CATEGORY}" in subjects, subjects


def test_market_set_up_application_and_admission(
    page: Any, people: Any, mailbox: Any, tmp_path: Any
) -> None:
    """Commissioner publishes → supplier applies with a PDF → evaluator admits → supplier
    sees 'Admitted' and has the email; every page passes axe."""
    evidence = tmp_path / "evidence.pdf"
    evidence.write_bytes(TINY_PDF)
    commissioner_publishes_a_market(page)
    supplier_applies(page, evidence)
    evaluator_admits(page)
    supplier_sees_the_admission(page, mailbox)


def test_every_other_membership_and_market_page_is_accessible(page: Any, people: Any) -> None:
    """The pages the journey does not reach, with their error states, pass axe too."""
    from opendps.membership import services
    from opendps.membership.models import CategoryMember
    from opendps.testing.factories import admit, apply, make_market

    market = make_market(people, categories=(CATEGORY, "Confidence and motivation"))
    admitted, pending = apply(people, market)
    admit(people, admitted)
    member = CategoryMember.objects.get(application=admitted)
    declaration = services.declaration_request(actor=people.commissioner, member=member)
    category = admitted.category

    sign_in(page, "commissioner@authority.test")
    pages = [
        # (path, heading, whether an empty submit shows the error summary)
        (f"/markets/{market.pk}/categories/{category.pk}/questionnaire", "Questionnaire: ", False),
        (f"/markets/{market.pk}/members", f"Members of {MARKET}", False),
        (f"/members/{member.pk}", f"Alpha Support CIC in {CATEGORY}", False),
        (f"/markets/{market.pk}/validity", "Change the period of validity", True),
        (f"/markets/{market.pk}/cease", "End the market", True),
        (f"/assessment/{pending.pk}/extend", "Extend the assessment period", True),
    ]
    for path, heading, submit_empty in pages:
        page.goto(path)
        expect(h1(page)).to_contain_text(heading)
        assert_accessible(page)
        if submit_empty:
            page.locator("main form button").last.click()
            expect(page.locator(".govuk-error-summary")).to_be_visible()
            assert_accessible(page)

    page.goto(f"/members/{member.pk}")
    page.get_by_role("button", name="Suspend the member").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a reason")
    assert_accessible(page)

    page.goto(f"/assessment/{pending.pk}")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose whether to admit")
    assert_accessible(page)
    sign_out(page)

    sign_in(page, "admin@alpha.test")
    page.goto(f"/declarations/{declaration.pk}")
    expect(h1(page)).to_have_text("Renew your self-declaration")
    assert_accessible(page)
    page.get_by_role("button", name="Send the declaration").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)

    page.goto(f"/markets/{market.pk}/apply")
    expect(page.get_by_role("group")).to_contain_text("Which categories do you want to join?")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose at least one category")
    assert_accessible(page)
    page.get_by_label("Confidence and motivation").check()
    page.get_by_role("button", name="Continue").click()
    # The application is now a task list (its own journey: test_tasklist_journey.py).
    expect(page).to_have_url(re.compile(r"/applications/drafts/\d+$"))
    expect(page.get_by_role("link", name="Check your answers and send")).to_have_count(0)
    assert_accessible(page)
    sign_out(page)

    sign_in(page, "staff@platform.test")
    page.get_by_role("link", name="Debarment list").click()
    expect(h1(page)).to_have_text("Debarment list")
    assert_accessible(page)
    page.get_by_role("button", name="Add to the debarment list").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Supplier on OpenDPS (optional)").select_option(label="Beta Care Ltd")
    page.get_by_label("Reason", exact=True).fill("Listed by the Cabinet Office")
    page.get_by_role("button", name="Add to the debarment list").click()
    expect(page.get_by_role("table")).to_contain_text("Beta Care Ltd")
    page.get_by_role("link", name="Lift Beta Care Ltd").click()
    expect(page.get_by_role("heading", name="Lift the debarment of Beta Care Ltd")).to_be_visible()
    assert_accessible(page)
