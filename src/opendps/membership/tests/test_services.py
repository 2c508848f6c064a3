"""Membership services: the legal time limits (travelling in time), admission rules,
uploads, and that a refusal writes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from opendps.core import clock
from opendps.core.calendar import LONDON
from opendps.core.errors import Conflict, NotPermitted, RuleViolation
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.markets import services as market_services
from opendps.membership import services
from opendps.membership.models import Application, ApplicationDocument, CategoryMember
from opendps.membership.selectors import active_members_of_category
from opendps.membership.status import (
    ApplicationStatus,
    MemberStatus,
    application_status,
    member_status,
)
from opendps.testing.factories import (
    TINY_PDF,
    admit,
    apply,
    good_answers,
    make_market,
    questionnaire_of,
)

pytestmark = pytest.mark.django_db(transaction=True)


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


END_OF_DAY = (23, 59, 59, 999999)


@pytest.fixture
def pcr_market_before_christmas(people):
    """A PCR DPS published on 1 Oct 2027, so its 30-day first period is long over by
    Christmas (the first period would otherwise defer the assessment limit)."""
    with time_machine.travel(london(2027, 10, 1, 9), tick=False):
        return make_market(people)


# --- the assessment time limit: 10 working days, 15 if extended (reg 34) ---------------------


def test_pcr_assessment_is_due_ten_working_days_after_receipt_across_christmas(
    people, pcr_market_before_christmas
):
    """Received Thu 23 Dec 2027: 27–28 Dec (substitute days) and Mon 3 Jan 2028 (New Year
    substitute) are not working days, so day 10 is Tue 11 Jan 2028."""
    with time_machine.travel(london(2027, 12, 23, 10), tick=False):
        (application,) = apply(people, pcr_market_before_christmas)
    assert application.assessment_due_at == london(2028, 1, 11, *END_OF_DAY)
    with time_machine.travel(london(2028, 1, 11, 23, 59), tick=False):
        assert application_status(application) == ApplicationStatus.AWAITING
    with time_machine.travel(london(2028, 1, 12, 0, 0, 1), tick=False):
        assert application_status(application) == ApplicationStatus.OVERDUE


def test_pcr_extension_to_fifteen_working_days_needs_a_recorded_reason(
    people, pcr_market_before_christmas
):
    with time_machine.travel(london(2027, 12, 23, 10), tick=False):
        (application,) = apply(people, pcr_market_before_christmas)
        with pytest.raises(RuleViolation, match="reason"):
            services.application_extend_assessment(
                actor=people.evaluator, application=application, reason="  "
            )
        application.refresh_from_db()
        assert application.extended_at is None
        extended = services.application_extend_assessment(
            actor=people.evaluator, application=application, reason="Evidence needs checking"
        )
    assert extended.assessment_due_at == london(2028, 1, 18, *END_OF_DAY)
    assert extended.extension_reason == "Evidence needs checking"
    event = AuditEvent.objects.get(event_type=AuditEventType.APPLICATION_ASSESSMENT_EXTENDED)
    assert event.data["reason"] == "Evidence needs checking"


def test_scottish_market_counts_scottish_bank_holidays(people):
    """In Scotland 3 and 4 Jan 2028 are both bank holidays (New Year and 2 January,
    substitute days), so the limit ends a day later than in England."""
    with time_machine.travel(london(2027, 10, 1, 9), tick=False):
        market = make_market(people, nation="scotland")
    with time_machine.travel(london(2027, 12, 23, 10), tick=False):
        (application,) = apply(people, market)
    assert application.assessment_due_at == london(2028, 1, 12, *END_OF_DAY)


def test_pa_market_uses_its_reasonable_period_and_has_no_extension(people):
    with time_machine.travel(london(2027, 10, 1, 9), tick=False):
        market = make_market(people, regime="pa2023_dynamic_market", assessment_working_days=12)
    with time_machine.travel(london(2027, 12, 23, 10), tick=False):
        (application,) = apply(people, market)
        with pytest.raises(RuleViolation, match="no extended assessment period"):
            services.application_extend_assessment(
                actor=people.evaluator, application=application, reason="busy"
            )
    # 12 working days UK-wide: also skips Scotland's 4 Jan 2028 (in England alone, 13 Jan).
    assert application.assessment_due_at == london(2028, 1, 14, *END_OF_DAY)


# --- the first period for requests to participate (reg 34(3)) --------------------------------


def test_first_period_must_last_at_least_thirty_days(people):
    with time_machine.travel(london(2027, 3, 1, 9), tick=False):
        too_short = make_market(
            people, publish=False, first_period_ends_at=london(2027, 3, 30, *END_OF_DAY)
        )
        with pytest.raises(RuleViolation, match="at least 30 days"):
            market_services.market_publish(actor=people.commissioner, market=too_short)
        too_short.refresh_from_db()
        assert too_short.published_at is None
        market_services.market_update(
            actor=people.commissioner,
            market=too_short,
            first_period_ends_at=london(2027, 3, 31, *END_OF_DAY),
        )
        published = market_services.market_publish(actor=people.commissioner, market=too_short)
    assert published.published_at is not None


def test_first_period_defaults_to_the_legal_minimum(people):
    with time_machine.travel(london(2027, 3, 1, 9), tick=False):
        market = make_market(people)
    assert market.first_period_ends_at == london(2027, 3, 31, *END_OF_DAY)


def test_first_period_applications_must_all_be_assessed_before_a_call(people):
    with time_machine.travel(london(2027, 3, 1, 9), tick=False):
        market = make_market(people)
    with time_machine.travel(london(2027, 3, 10, 9), tick=False):
        (application,) = apply(people, market)
    # Received during the first period (which ends on 31 Mar): due 10 working days after
    # it ends, not after receipt.
    assert application.assessment_due_at == london(2027, 4, 14, *END_OF_DAY)
    assert not services.first_period_applications_all_assessed(market)
    admit(people, application)
    assert services.first_period_applications_all_assessed(market)


# --- renewed self-declaration: due in 5 working days; overdue suspends ----------------------


def test_renewed_declaration_due_in_five_working_days_and_overdue_suspends(people, mailbox):
    with time_machine.travel(london(2027, 3, 1, 9), tick=False):
        market = make_market(people)
        (application,) = apply(people, market)
        admit(people, application)
    member = CategoryMember.objects.get()
    # Thu 29 Apr 2027; Mon 3 May is the early May bank holiday: day 5 is Fri 7 May.
    with time_machine.travel(london(2027, 4, 29, 11), tick=False):
        request = services.declaration_request(actor=people.commissioner, member=member)
    assert request.due_at == london(2027, 5, 7, *END_OF_DAY)
    assert "Renewed self-declaration needed" in mailbox.to("admin@alpha.test")[-1]["Subject"]
    with time_machine.travel(london(2027, 5, 7, 23, 59), tick=False):
        assert member_status(member) == MemberStatus.ACTIVE
        assert active_members_of_category(member.category_id).filter(pk=member.pk).exists()
    with time_machine.travel(london(2027, 5, 8, 0, 0, 1), tick=False):
        assert member_status(member) == MemberStatus.DECLARATION_OVERDUE
        assert not active_members_of_category(member.category_id).exists()
        questions = services.declaration_questions(member)
        answers = {q["id"]: (q["rule"]["values"][0] if q.get("rule") else "no") for q in questions}
        services.declaration_answer(actor=people.supplier_a_admin, request=request, answers=answers)
        assert member_status(member) == MemberStatus.ACTIVE


def test_pa_market_has_no_renewed_self_declaration(people):
    market = make_market(people, regime="pa2023_dynamic_market")
    (application,) = apply(people, market)
    admit(people, application)
    with pytest.raises(RuleViolation, match="no renewed self-declaration"):
        services.declaration_request(actor=people.commissioner, member=CategoryMember.objects.get())


# --- deciding ------------------------------------------------------------------------------


def test_admission_creates_a_member_and_tells_the_supplier_at_once(people, mailbox):
    market = make_market(people)
    (application,) = apply(people, market)
    assert "Application received" in mailbox.to("admin@alpha.test")[0]["Subject"]
    decided = admit(people, application)
    assert decided.outcome == "admitted"
    assert CategoryMember.objects.filter(supplier=people.supplier_a).count() == 1
    message = mailbox.to("admin@alpha.test")[-1]
    assert message["Subject"] == "Admitted to CV and job search support"
    assert mailbox.to("writer@alpha.test")  # bid writers are told too
    assert AuditEvent.objects.filter(event_type=AuditEventType.APPLICATION_ADMITTED).count() == 1


def test_rejection_needs_a_reason_for_each_failed_question(people, mailbox):
    market = make_market(people)
    (application,) = apply(people, market, overrides={"p2.corruption": "yes"})
    assert application.auto_assessment["p2.corruption"] == {
        "outcome": "fail",
        "failure": "mandatory_exclusion",
    }
    with pytest.raises(RuleViolation, match=r"p2\.corruption"):
        services.application_decide(
            actor=people.evaluator, application=application, outcome="rejected", reasons={}
        )
    with pytest.raises(RuleViolation, match="cannot be admitted"):
        services.application_decide(
            actor=people.evaluator,
            application=application,
            outcome="admitted",
            reasons={"p2.corruption": "spent conviction"},
        )
    assert Application.objects.get().decided_at is None
    services.application_decide(
        actor=people.evaluator,
        application=application,
        outcome="rejected",
        reasons={"p2.corruption": "Conviction for bribery in 2025 (mandatory exclusion)."},
    )
    body = mailbox.body(mailbox.to("admin@alpha.test")[-1])
    assert "Conviction for bribery in 2025" in body
    assert "You may apply again" in body
    assert not CategoryMember.objects.exists()
    # and it may reapply
    apply(people, market)


def test_discretionary_ground_may_be_accepted_with_a_reason(people):
    market = make_market(people)
    (application,) = apply(people, market, overrides={"p2.insolvency": "yes"})
    with pytest.raises(RuleViolation, match=r"p2\.insolvency"):
        services.application_decide(
            actor=people.evaluator, application=application, outcome="admitted"
        )
    services.application_decide(
        actor=people.evaluator,
        application=application,
        outcome="admitted",
        reasons={"p2.insolvency": "Administration ended in 2024; accounts since are sound."},
    )
    assert CategoryMember.objects.count() == 1


def test_a_debarred_supplier_cannot_be_admitted(people):
    market = make_market(people)
    (application,) = apply(people, market)
    services.debarment_add(actor=people.staff, supplier=people.supplier_a, name="", reason="Fraud")
    with pytest.raises(RuleViolation, match="debarment list"):
        admit(people, application)
    assert not CategoryMember.objects.exists()
    assert Application.objects.get().decided_at is None
    with pytest.raises(RuleViolation, match="debarment list"):
        apply(people, market, categories=list(market.categories.all()))


def test_debarment_matches_by_registration_number(people):
    people.supplier_b.registration_number = "01234567"
    people.supplier_b.save()
    services.debarment_add(
        actor=people.staff, name="Beta Care Ltd", registration_number="01234567", reason="Debarred"
    )
    assert services.is_debarred(people.supplier_b)
    assert not services.is_debarred(people.supplier_a)


def test_only_staff_keep_the_debarment_list(people):
    with pytest.raises(NotPermitted):
        services.debarment_add(actor=people.commissioner, name="X", reason="Y")


@pytest.mark.parametrize("who", ["supplier_a_admin", "buyer", "other_buyer"])
def test_only_the_markets_evaluators_may_decide(people, who):
    market = make_market(people)
    (application,) = apply(people, market)
    with pytest.raises(NotPermitted):
        services.application_decide(
            actor=people.by_name(who), application=application, outcome="admitted"
        )
    assert Application.objects.get().decided_at is None


def test_a_removed_member_is_no_longer_invited(people, mailbox):
    market = make_market(people)
    (application,) = apply(people, market)
    admit(people, application)
    member = CategoryMember.objects.get()
    assert list(active_members_of_category(member.category_id)) == [member]
    services.member_remove(actor=people.commissioner, member=member, reason="Persistent failures")
    member.refresh_from_db()
    assert not active_members_of_category(member.category_id).exists()
    assert member_status(member) == MemberStatus.REMOVED
    assert "Removed from" in mailbox.to("admin@alpha.test")[-1]["Subject"]


def test_suspension_takes_a_member_out_of_calls_until_reinstated(people):
    market = make_market(people)
    admit(people, apply(people, market)[0])
    member = CategoryMember.objects.get()
    services.member_suspend(actor=people.commissioner, member=member, reason="Safeguarding review")
    assert not active_members_of_category(member.category_id).exists()
    with pytest.raises(RuleViolation):
        services.member_reinstate(actor=people.commissioner, member=member, reason="")
    services.member_reinstate(actor=people.commissioner, member=member, reason="Review closed")
    assert active_members_of_category(member.category_id).exists()


def test_pa_removal_for_exclusion_is_reported_to_the_appropriate_authority(
    people, mailbox, settings
):
    market = make_market(people, regime="pa2023_dynamic_market")
    admit(people, apply(people, market)[0])
    member = services.member_remove(
        actor=people.commissioner,
        member=CategoryMember.objects.get(),
        reason="Excluded: fraud conviction",
        exclusion=True,
    )
    assert member.removal_reported_at is not None
    (report,) = mailbox.to(settings.OPENDPS_EXCLUSION_REPORT_EMAIL)
    assert "s 37" in report["Subject"]


def test_pcr_removal_is_not_reported(people, mailbox, settings):
    market = make_market(people)
    admit(people, apply(people, market)[0])
    member = services.member_remove(
        actor=people.commissioner, member=CategoryMember.objects.get(), reason="x", exclusion=True
    )
    assert member.removal_reported_at is None
    assert not mailbox.to(settings.OPENDPS_EXCLUSION_REPORT_EMAIL)


# --- bad input changes nothing ----------------------------------------------------------------


def assert_nothing_written(media_root: str) -> None:
    assert not Application.objects.exists()
    assert not ApplicationDocument.objects.exists()
    assert not AuditEvent.objects.filter(event_type=AuditEventType.APPLICATION_SUBMITTED).exists()
    assert not any(p.is_file() for p in Path(media_root).rglob("*"))


def submit_with_files(people, market, files):
    category = market.categories.get()
    answers, _ = good_answers(questionnaire_of(category))
    return services.application_submit(
        actor=people.supplier_a_admin,
        supplier=people.supplier_a,
        market=market,
        category_ids=[category.pk],
        answers=answers,
        files=files,
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("insurance.pdf", b"%PDF" + b"x" * (10 * 1024 * 1024), "larger than 10 MB"),
        ("insurance.exe", b"MZ\x90\x00", "must be a PDF"),
        ("insurance.pdf", b"\x89PNG\r\n\x1a\n....", "not a valid PDF file"),
        ("insurance.pdf", b"", "is empty"),
        ("....pdf", TINY_PDF, "not allowed"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(people, settings, name, content, message):
    market = make_market(people)
    with pytest.raises(RuleViolation, match=message):
        submit_with_files(
            people, market, {"p3.insurance_certificate": SimpleUploadedFile(name, content)}
        )
    assert_nothing_written(settings.MEDIA_ROOT)


def test_an_uploaded_path_is_reduced_to_a_safe_file_name(people, settings):
    market = make_market(people)
    (application,) = submit_with_files(
        people,
        market,
        {"p3.insurance_certificate": SimpleUploadedFile("../../etc/our cert.pdf", TINY_PDF)},
    )
    document = application.documents.get()
    assert document.original_name == "our_cert.pdf"
    assert Path(document.file.path).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())


def test_an_answer_of_the_wrong_type_is_refused_and_nothing_is_written(people, settings):
    market = make_market(people)
    with pytest.raises(RuleViolation, match="Enter a number"):
        apply(people, market, overrides={"p3.employers_liability": "lots"})
    assert_nothing_written(settings.MEDIA_ROOT)


@pytest.mark.parametrize("state", ["draft", "ceased", "expired"])
def test_applying_to_a_market_that_is_not_open_is_refused(people, settings, state):
    market = make_market(people, publish=state != "draft")
    if state == "ceased":
        market_services.market_cease(actor=people.commissioner, market=market, reason="Replaced")
    moment = market.validity_ends_at + timedelta(seconds=1) if state == "expired" else clock.now()
    with (
        time_machine.travel(moment, tick=False),
        pytest.raises(RuleViolation, match="not open for applications"),
    ):
        apply(people, market)
    assert_nothing_written(settings.MEDIA_ROOT)


def test_one_pending_application_per_category(people):
    market = make_market(people)
    apply(people, market)
    with pytest.raises(Conflict, match="already have an application"):
        apply(people, market)


def test_a_viewer_cannot_apply(people):
    from opendps.accounts.models import Role
    from opendps.testing.fixtures import make_person

    viewer = make_person("viewer@alpha.test", people.supplier_a, Role.VIEWER)
    market = make_market(people)
    with pytest.raises(NotPermitted):
        apply(people, market, actor=viewer)


def test_fee_rate_only_under_pa(people):
    with pytest.raises(RuleViolation, match="No charges"):
        make_market(people, supplier_fee_percent=Decimal("1.0"))
    market = make_market(
        people, regime="pa2023_dynamic_market", supplier_fee_percent=Decimal("1.5")
    )
    assert market.supplier_fee_percent == Decimal("1.5")


def test_a_refusal_in_any_category_leaves_no_file_behind(people, settings):
    market = make_market(people, categories=("CV support", "Basic skills"))
    cv, skills = market.categories.order_by("pk")
    apply(people, market, categories=[skills])
    with pytest.raises(Conflict, match="already have an application"):
        apply(people, market, categories=[cv, skills])
    assert Application.objects.count() == 1
    stored = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert len(stored) == ApplicationDocument.objects.count()
