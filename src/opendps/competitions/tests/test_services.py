"""Calls, sealed tenders, opening, evaluation, award and feedback: the services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from opendps.competitions import services
from opendps.competitions.models import (
    Award,
    Call,
    Feedback,
    Invitation,
    Moderation,
    TenderSubmission,
)
from opendps.competitions.status import CallStatus, call_status
from opendps.contracts.models import Contract
from opendps.core import clock
from opendps.core.calendar import LONDON
from opendps.core.errors import Conflict, NotPermitted, RuleViolation
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.membership import services as membership_services
from opendps.membership.models import CategoryMember
from opendps.testing.factories import make_call, make_market, member_suppliers, tender

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def market(people):
    market = make_market(people, first_period_ends_at=None)
    return market


@pytest.fixture
def members(people, market):
    """Both suppliers admitted, and the first period over (PCR: calls may go out)."""
    with time_machine.travel(market.first_period_ends_at + timedelta(seconds=1), tick=False):
        pass
    member_suppliers(
        people,
        market,
        (people.supplier_a, people.supplier_a_admin),
        (people.supplier_b, people.supplier_b_admin),
    )
    return market


def after_first_period(market):
    return time_machine.travel(market.first_period_ends_at + timedelta(hours=1), tick=False)


def test_publishing_invites_every_active_member_and_emails_them(people, members, mailbox):
    with after_first_period(members):
        call = make_call(people, members)
    assert set(Invitation.objects.values_list("supplier__name", flat=True)) == {
        "Alpha Support CIC",
        "Beta Care Ltd",
    }
    assert Invitation.objects.filter(emailed_at__isnull=True).count() == 0
    subjects = {m["Subject"] for m in mailbox.messages}
    assert f"Invitation to tender: {call.title}" in subjects


def test_a_suspended_or_removed_member_is_not_invited(people, members):
    member_b = CategoryMember.objects.get(supplier=people.supplier_b)
    membership_services.member_suspend(actor=people.commissioner, member=member_b, reason="review")
    with after_first_period(members):
        make_call(people, members)
    assert list(Invitation.objects.values_list("supplier__name", flat=True)) == [
        "Alpha Support CIC"
    ]


def test_publishing_invites_exactly_the_active_members_of_the_category(people, members, mailbox):
    """One INSERT … SELECT (BENCHMARKS.md H13): only active members of the call's category,
    each with its member row, the call and the publication time; the count is audited."""
    from opendps.accounts.models import Organisation, OrganisationKind, Role
    from opendps.testing.fixtures import make_person

    extra = {}
    for name in ("Gamma", "Delta", "Epsilon"):
        org = Organisation.objects.create(kind=OrganisationKind.SUPPLIER, name=f"{name} Ltd")
        admin = make_person(f"admin@{name.lower()}.test", org, Role.SUPPLIER_ADMIN)
        member_suppliers(people, members, (org, admin))
        extra[name] = org
    category = members.categories.order_by("pk").first()
    live = CategoryMember.objects.filter(category=category)
    membership_services.member_suspend(
        actor=people.commissioner, member=live.get(supplier=people.supplier_b), reason="review"
    )
    membership_services.member_remove(
        actor=people.commissioner, member=live.get(supplier=extra["Gamma"]), reason="left"
    )
    request = membership_services.declaration_request(
        actor=people.commissioner, member=live.get(supplier=extra["Delta"])
    )
    mailbox.clear()
    with time_machine.travel(
        max(request.due_at, members.first_period_ends_at) + timedelta(hours=1), tick=False
    ):
        call = make_call(people, members)
    invitations = Invitation.objects.filter(call=call)
    expected = {
        (m.pk, m.supplier_id)
        for m in live.filter(supplier__in=[people.supplier_a, extra["Epsilon"]])
    }
    assert {(i.member_id, i.supplier_id) for i in invitations} == expected
    assert Invitation.objects.count() == 2
    assert {i.invited_at for i in invitations} == {call.published_at}
    event = AuditEvent.objects.get(event_type=AuditEventType.CALL_PUBLISHED)
    assert event.data["invited"] == 2
    assert invitations.filter(emailed_at__isnull=True).count() == 0
    invited_to = {
        address.strip()
        for message in mailbox.messages
        if message["Subject"].startswith("Invitation to tender")
        for address in message["X-Envelope-To"].split(",")
    }
    assert invited_to == {"admin@alpha.test", "writer@alpha.test", "admin@epsilon.test"}


def test_publishing_with_no_active_member_writes_nothing(people, members):
    for member in CategoryMember.objects.all():
        membership_services.member_suspend(actor=people.commissioner, member=member, reason="r")
    with after_first_period(members):
        call = make_call(people, members, publish=False)
        with pytest.raises(RuleViolation, match="No admitted, active supplier"):
            services.call_publish(actor=people.buyer, call=call)
    call.refresh_from_db()
    assert call.published_at is None and call.public_key is None
    assert not Invitation.objects.exists()
    assert not AuditEvent.objects.filter(event_type=AuditEventType.CALL_PUBLISHED).exists()


def test_pcr_no_call_during_the_first_period(people, members):
    with pytest.raises(RuleViolation, match="first period"):
        make_call(people, members)


def test_tender_minimum_is_ten_days_from_the_invitation(people, members):
    with after_first_period(members):
        now = clock.now()
        with pytest.raises(RuleViolation, match="deadline for tenders must be no earlier"):
            make_call(people, members, deadline=now + timedelta(days=9, hours=23))
        make_call(people, members, deadline=now + timedelta(days=11))


def test_the_deadline_counts_across_a_clock_change(people):
    """Invited Mon 25 Oct 2027 (BST ends Sun 31 Oct): the earliest deadline is the end of
    Thu 4 Nov in London, which is GMT by then."""
    with time_machine.travel(datetime(2027, 8, 1, 9, tzinfo=LONDON), tick=False):
        market = make_market(people)
        member_suppliers(people, market, (people.supplier_a, people.supplier_a_admin))
    with time_machine.travel(datetime(2027, 10, 25, 10, tzinfo=LONDON), tick=False):
        with pytest.raises(RuleViolation, match="2027-11-05 00:00 GMT"):
            make_call(people, market, deadline=datetime(2027, 11, 4, 23, 0, tzinfo=LONDON))
        call = make_call(people, market, deadline=datetime(2027, 11, 5, 0, 0, tzinfo=LONDON))
    assert call.deadline.utcoffset() == timedelta(0)


def test_rapid_light_touch_call_may_close_in_hours_and_ranks_60_40(people):
    market = make_market(people, regime="pa2023_dynamic_market", light_touch=True)
    member_suppliers(people, market, (people.supplier_a, people.supplier_a_admin))
    call = make_call(
        people,
        market,
        rapid=True,
        service_user_needs="Woman in her 80s in LS6, needs two visits a day, help with meals.",
        deadline=clock.now() + timedelta(hours=24),
    )
    assert {c["key"]: c["weight"] for c in call.criteria} == {"quality": "60", "price": "40"}


@pytest.mark.parametrize(
    "needs",
    [
        "Contact her daughter on 07700 900123.",
        "Mrs Smith needs help.",
        "Lives at LS6 2AB.",
        "NI number QQ123456C.",
        "Email carer@example.com",
        "Born 01/02/1941.",
    ],
)
def test_service_user_needs_must_be_anonymised(people, needs):
    market = make_market(people, regime="pa2023_dynamic_market", light_touch=True)
    with pytest.raises(RuleViolation, match="Remove personal details"):
        make_call(people, market, rapid=True, service_user_needs=needs, publish=False)


def test_central_government_weights_social_value_at_least_ten_percent(people, members):
    people.authority.is_central_government = True
    people.authority.save()
    with pytest.raises(RuleViolation, match="at least 10"):
        make_call(
            people,
            members,
            publish=False,
            criteria=[
                {"key": "quality", "name": "Quality", "kind": "quality", "weight": 65},
                {
                    "key": "social_value",
                    "name": "Social value",
                    "kind": "social_value",
                    "weight": 5,
                },
                {"key": "price", "name": "Price", "kind": "price", "weight": 30},
            ],
        )


# --- Annex IV (a)–(g) -------------------------------------------------------------------------


@pytest.fixture
def open_call(people, members):
    with after_first_period(members):
        return make_call(people, members)


def test_annex_iv_a_receipt_records_the_exact_server_time_signed(people, open_call):
    moment = open_call.deadline - timedelta(seconds=5, microseconds=123456)
    with time_machine.travel(moment, tick=False):
        submission = tender(people, open_call)
    assert submission.received_at == moment.replace(microsecond=876000)
    # UTC with Z, to the millisecond: the form of every moment the platform writes.
    assert submission.receipt["received_at"] == moment.astimezone(UTC).strftime(
        "%Y-%m-%dT%H:%M:%S.876Z"
    )
    from opendps.core.sealing import receipt_signature_valid

    assert receipt_signature_valid(submission.receipt, submission.receipt_signature)
    forged = dict(submission.receipt, received_at="2020-01-01T00:00:00.000+00:00")
    assert not receipt_signature_valid(forged, submission.receipt_signature)


def test_annex_iv_a_a_tender_one_millisecond_late_is_refused_and_audited(people, open_call):
    with time_machine.travel(open_call.deadline - timedelta(milliseconds=1), tick=False):
        tender(people, open_call)
    with (
        time_machine.travel(open_call.deadline + timedelta(milliseconds=1), tick=False),
        pytest.raises(RuleViolation, match="deadline for tenders has passed"),
    ):
        tender(people, open_call, supplier=people.supplier_b)
    assert TenderSubmission.objects.filter(supplier=people.supplier_b).count() == 0
    assert (
        AuditEvent.objects.filter(event_type=AuditEventType.TENDER_SUBMISSION_REFUSED).count() == 1
    )


def test_annex_iv_b_nobody_can_read_tenders_before_the_deadline(people, open_call):
    from opendps.competitions.opened import unseal_tenders

    submission = tender(people, open_call, price="4321.99")
    assert b"4321.99" not in bytes(submission.sealed_payload)
    assert b"Our approach" not in bytes(submission.sealed_payload)
    with pytest.raises(PermissionError):
        unseal_tenders(open_call)
    with pytest.raises(RuleViolation, match="cannot be opened before the deadline"):
        services.call_open(actor=people.buyer, call=open_call)


def test_annex_iv_c_only_authorised_persons_set_the_opening(people, open_call):
    with time_machine.travel(open_call.deadline + timedelta(minutes=1), tick=False):
        for outsider in [people.other_buyer, people.supplier_a_admin, people.evaluator]:
            with pytest.raises(NotPermitted):
                services.call_open(actor=outsider, call=open_call)
        opened = services.call_open(actor=people.buyer, call=open_call)
    assert opened.opened_by == people.buyer


def test_annex_iv_d_only_the_buying_authority_reads_opened_tenders(people, open_call):
    from opendps.competitions.selectors import tender_list_opened
    from opendps.core.errors import NotFound

    tender(people, open_call)
    with time_machine.travel(open_call.deadline + timedelta(minutes=1), tick=False):
        services.call_open(actor=people.buyer, call=open_call)
        assert len(tender_list_opened(people.evaluator, call_id=open_call.pk)) == 1
        for outsider in [people.other_buyer, people.supplier_b_admin, people.supplier_a_admin]:
            with pytest.raises(NotFound):
                tender_list_opened(outsider, call_id=open_call.pk)


def test_annex_iv_e_two_officers_where_the_market_requires_it(people):
    market = make_market(people, dual_opening=True)
    with after_first_period(market):
        member_suppliers(people, market, (people.supplier_a, people.supplier_a_admin))
        call = make_call(people, market)
    with time_machine.travel(call.deadline + timedelta(minutes=1), tick=False):
        first = services.call_open(actor=people.buyer, call=call)
        assert first.opened_at is None
        with pytest.raises(Conflict, match="second officer"):
            services.call_open(actor=people.buyer, call=call)
        opened = services.call_open(actor=people.commissioner, call=call)
    assert opened.opened_at is not None


def test_annex_iv_f_opened_data_is_never_stored_in_clear(people, open_call):
    from django.db import connection

    tender(people, open_call, price="98765.43")
    with time_machine.travel(open_call.deadline + timedelta(minutes=1), tick=False):
        services.call_open(actor=people.buyer, call=open_call)
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                assert "98765.43" not in repr(row), table


def test_annex_iv_g_tampering_and_attempts_are_detectable(people, open_call):
    from opendps.competitions.opened import unseal_tenders
    from opendps.core.sealing import SealBroken

    submission = tender(people, open_call)
    with (
        time_machine.travel(open_call.deadline - timedelta(minutes=1), tick=False),
        pytest.raises(RuleViolation),
    ):
        services.call_open(actor=people.buyer, call=open_call)
    assert AuditEvent.objects.filter(event_type=AuditEventType.TENDER_ACCESS_REFUSED).count() == 1
    sealed = bytearray(bytes(submission.sealed_payload))
    sealed[-1] ^= 1
    TenderSubmission.objects.filter(pk=submission.pk).update(sealed_payload=bytes(sealed))
    with time_machine.travel(open_call.deadline + timedelta(minutes=1), tick=False):
        services.call_open(actor=people.buyer, call=open_call)
        open_call.refresh_from_db()
        with pytest.raises(SealBroken):
            unseal_tenders(open_call)


# --- submit, withdraw, resubmit -----------------------------------------------------------------


def test_the_last_submission_counts_and_a_withdrawal_removes_the_tender(people, open_call):
    from opendps.competitions.opened import live_submissions

    first = tender(people, open_call, price="5000")
    second = tender(people, open_call, price="4500")
    assert [s.pk for s in live_submissions(open_call)] == [second.pk]
    assert TenderSubmission.objects.get(pk=first.pk).superseded_at is not None
    services.tender_withdraw(
        actor=people.supplier_a_admin, call=open_call, supplier=people.supplier_a
    )
    assert live_submissions(open_call) == []
    third = tender(people, open_call, price="4400")
    assert [s.pk for s in live_submissions(open_call)] == [third.pk]


def test_an_uninvited_supplier_cannot_tender(people, open_call):
    from opendps.accounts.models import Organisation, OrganisationKind, Role
    from opendps.testing.fixtures import make_person

    gamma = Organisation.objects.create(kind=OrganisationKind.SUPPLIER, name="Gamma")
    actor = make_person("admin@gamma.test", gamma, Role.SUPPLIER_ADMIN)
    with pytest.raises(NotPermitted, match="invited"):
        tender(people, open_call, supplier=gamma, actor=actor)


def test_a_bad_price_is_refused_and_nothing_stored(people, open_call):
    for price in ["free", "-5", "0", "12.345", "NaN"]:
        with pytest.raises(RuleViolation, match="Enter the price"):
            tender(people, open_call, price=price)
    assert not TenderSubmission.objects.exists()


# --- evaluation, award, feedback, standstill, contract ------------------------------------------


def evaluate_and_award(people, call, quality: dict, **award_kwargs):
    """Open, score independently, moderate and award; quality = {supplier: score}."""
    with time_machine.travel(call.deadline + timedelta(minutes=1), tick=False):
        services.call_open(actor=people.buyer, call=call)
        services.conflict_declare(actor=people.evaluator, call=call, has_conflict=False)
        live = {
            s.supplier_id: s
            for s in TenderSubmission.objects.filter(
                call=call, superseded_at=None, withdrawn_at=None
            )
        }
        scores = {
            str(live[supplier.pk].pk): {
                key: {"score": score, "reason": f"{supplier.name} scored {score}"}
                for key in ("quality", "social_value")
            }
            for supplier, score in quality.items()
        }
        services.scoresheet_save(actor=people.evaluator, call=call, scores=scores, submit=True)
        services.moderation_record(actor=people.commissioner, call=call, scores=scores)
        return services.award_decide(actor=people.buyer, call=call, **award_kwargs)


def test_moderation_refuses_a_consensus_score_without_its_own_reason(people, open_call):
    """The bidder reads the consensus reason in its feedback, so a consensus score with a
    blank reason is refused in those words; nothing is recorded and nothing is copied from
    the evaluator's notes."""
    submission = tender(people, open_call, price="4000")
    sid = str(submission.pk)
    with time_machine.travel(open_call.deadline + timedelta(minutes=1), tick=False):
        services.call_open(actor=people.buyer, call=open_call)
        services.conflict_declare(actor=people.evaluator, call=open_call, has_conflict=False)
        notes = {
            sid: {
                key: {"score": 3, "reason": "Evaluator's note"}
                for key in ("quality", "social_value")
            }
        }
        services.scoresheet_save(actor=people.evaluator, call=open_call, scores=notes, submit=True)
        consensus = {
            sid: {
                "quality": {"score": 3, "reason": "  "},
                "social_value": {"score": 3, "reason": "The panel's reason"},
            }
        }
        with pytest.raises(RuleViolation) as refused:
            services.moderation_record(actor=people.commissioner, call=open_call, scores=consensus)
    assert refused.value.code == "reason_missing"
    assert str(refused.value) == (
        "Give each consensus score a reason: the bidder reads it in its feedback "
        "(missing: Alpha Support CIC: Quality of the proposed service)."
    )
    assert not Moderation.objects.exists()
    assert not AuditEvent.objects.filter(event_type=AuditEventType.MODERATION_RECORDED).exists()


def test_best_value_tender_wins_and_every_bidder_gets_feedback(people, open_call, mailbox):
    tender(people, open_call, price="4000")  # A: cheaper
    tender(people, open_call, supplier=people.supplier_b, price="5000")  # B: better quality
    award = evaluate_and_award(people, open_call, {people.supplier_a: 2, people.supplier_b: 4})
    # A: 60*2/4 + 10*2/4 + 30 = 65; B: 60 + 10 + 30*4000/5000 = 94
    assert award.winner.supplier == people.supplier_b
    assert [r["total"] for r in award.ranking] == ["94.00", "65.00"]
    feedback_a = Feedback.objects.get(supplier=people.supplier_a).content
    assert feedback_a["rank"] == 2 and feedback_a["won"] is False
    assert feedback_a["winner_total"] == "94.00" and feedback_a["your_total"] == "65.00"
    # The winner's advantages, in words, with the moderated reason for its score.
    assert feedback_a["relative_advantages"][0] == (
        "Quality of the proposed service: the winning tender was scored Excellent (4) against "
        "your Acceptable (2), earning 60.00 points to your 30.00. The evaluators' reason: "
        "Beta Care Ltd scored 4"
    )
    assert feedback_a["advantages"][0]["winner_reason"] == "Beta Care Ltd scored 4"
    assert feedback_a["criteria"][0]["reason"] == "Alpha Support CIC scored 2"
    assert Feedback.objects.get(supplier=people.supplier_b).content["advantages"] == []
    assert Feedback.objects.get(supplier=people.supplier_b).content["rank"] == 1
    assert {m["Subject"] for m in mailbox.to("admin@alpha.test")} >= {
        f"Outcome and feedback: {open_call.title}"
    }


def test_ties_go_to_higher_quality_then_the_earlier_tender(people, open_call):
    tender(people, open_call, price="4000")
    tender(people, open_call, supplier=people.supplier_b, price="4000")
    award = evaluate_and_award(people, open_call, {people.supplier_a: 3, people.supplier_b: 3})
    assert award.winner.supplier == people.supplier_a  # same points: A tendered first


def test_pcr_call_off_has_no_standstill_and_the_contract_is_made_at_once(people, open_call):
    tender(people, open_call, price="4000")
    evaluate_and_award(people, open_call, {people.supplier_a: 3})
    contract = Contract.objects.get()
    assert contract.value == Decimal("4000") and contract.fee_amount == 0
    with time_machine.travel(open_call.deadline + timedelta(hours=1), tick=False):
        assert call_status(Call.objects.get(pk=open_call.pk)) == CallStatus.AWARDED


def test_pa_standstill_is_eight_working_days_then_the_contract(people):
    with time_machine.travel(datetime(2027, 4, 1, 9, tzinfo=LONDON), tick=False):
        market = make_market(
            people, regime="pa2023_dynamic_market", supplier_fee_percent=Decimal("1.5")
        )
        member_suppliers(people, market, (people.supplier_a, people.supplier_a_admin))
        call = make_call(people, market, deadline=datetime(2027, 4, 20, 12, tzinfo=LONDON))
        tender(people, call, price="10000")
    award = evaluate_and_award(people, call, {people.supplier_a: 3})
    # Decided Tue 20 Apr 2027; day 1 is the day of the notice; 3 May is a bank holiday.
    assert award.standstill_ends_at == datetime(2027, 4, 29, 23, 59, 59, 999999, tzinfo=LONDON)
    assert not Contract.objects.exists()
    with time_machine.travel(datetime(2027, 4, 29, 23, 0, tzinfo=LONDON), tick=False):
        assert call_status(Call.objects.get(pk=call.pk)) == CallStatus.STANDSTILL
        with pytest.raises(RuleViolation, match="standstill"):
            services.contract_conclude(actor=people.buyer, call=call)
    with time_machine.travel(datetime(2027, 4, 30, 9, tzinfo=LONDON), tick=False):
        contract = services.contract_conclude(actor=people.buyer, call=call)
    assert contract.fee_amount == Decimal("150.00")
    assert contract.details_notice_due_at is not None


def test_an_evaluator_with_a_conflict_cannot_score(people, open_call):
    tender(people, open_call)
    with time_machine.travel(open_call.deadline + timedelta(minutes=1), tick=False):
        services.call_open(actor=people.buyer, call=open_call)
        services.conflict_declare(
            actor=people.evaluator, call=open_call, has_conflict=True, details="Former trustee"
        )
        with pytest.raises(NotPermitted, match="conflict of interest"):
            services.scoresheet_save(actor=people.evaluator, call=open_call, scores={})


def test_no_compliant_tender_closes_the_call_with_reasons(people, open_call, mailbox):
    submission = tender(people, open_call)
    with time_machine.travel(open_call.deadline + timedelta(minutes=1), tick=False):
        services.call_open(actor=people.buyer, call=open_call)
        services.tender_exclude(actor=people.buyer, submission=submission, reason="No DBS evidence")
        services.call_close_no_compliant(
            actor=people.buyer, call=open_call, reason="Only tender non-compliant"
        )
    assert call_status(open_call.__class__.objects.get(pk=open_call.pk)) == CallStatus.NO_COMPLIANT
    assert any("Call closed without award" in m["Subject"] for m in mailbox.to("admin@alpha.test"))
    assert not Award.objects.exists()


def test_raw_database_and_file_storage_hold_no_tender_plaintext_before_opening(
    people, open_call, settings
):
    """Reads every table row and every stored file, as a database reader or a thief of the
    storage bucket would, and finds neither the price, the answers nor the document."""

    from django.core.files.uploadedfile import SimpleUploadedFile

    marker_doc = b"%PDF-1.4\nSECRET-METHOD-STATEMENT-7731\n%%EOF\n"
    tender(
        people,
        open_call,
        price="87654.32",
        answers={"quality": "UNIQUE-QUALITY-ANSWER-5521", "social_value": "UNIQUE-SV-ANSWER-9911"},
        files=[SimpleUploadedFile("method.pdf", marker_doc)],
    )
    markers = [
        b"87654.32",
        b"UNIQUE-QUALITY-ANSWER-5521",
        b"UNIQUE-SV-ANSWER-9911",
        b"SECRET-METHOD",
        b"method.pdf",
    ]
    held = _raw_holdings(settings.MEDIA_ROOT)
    for where, raw in held:
        for marker in markers:
            assert marker not in raw, (where, marker)
    # The sealed document is there, but unreadable.
    assert any(where.endswith(".sealed") for where, _raw in held)


def _raw_holdings(media_root: str) -> list[tuple[str, bytes]]:
    """Every table row and every stored file, as raw bytes, named by table or path."""
    from pathlib import Path

    from django.db import connection

    held = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                for value in row:
                    raw = (
                        bytes(value)
                        if isinstance(value, (bytes, memoryview))
                        else str(value).encode()
                    )
                    held.append((table, raw))
    for path in Path(media_root).rglob("*"):
        if path.is_file():
            held.append((str(path), path.read_bytes()))
    return held


def test_after_award_only_the_winners_social_value_commitment_is_held_in_clear(
    people, open_call, settings
):
    """After opening, scoring, award and contract the raw database and file storage hold
    nothing of the losing tender (answers, notes, document) and nothing of the winning
    one but its social-value answer: a contract term, kept as the KPIs it becomes."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    def pdf(marker: bytes, name: str) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, b"%PDF-1.4\n" + marker + b"\n%%EOF\n")

    tender(  # the loser: cheaper, weaker
        people,
        open_call,
        price="4000",
        answers={"quality": "LOSER-QUALITY-3141", "social_value": "LOSER-SV-2718"},
        notes="LOSER-NOTES-1618",
        files=[pdf(b"LOSER-DOC-1414", "loser-method.pdf")],
    )
    tender(  # the winner
        people,
        open_call,
        supplier=people.supplier_b,
        price="5000",
        answers={"quality": "WINNER-QUALITY-1732", "social_value": "WINNER-SV-COMMIT-2236"},
        notes="WINNER-NOTES-2449",
        files=[pdf(b"WINNER-DOC-2645", "winner-method.pdf")],
    )
    award = evaluate_and_award(people, open_call, {people.supplier_a: 2, people.supplier_b: 4})
    assert award.winner.supplier == people.supplier_b
    contract = Contract.objects.get()
    assert contract.commitments == {"social_value": {"social_value": "WINNER-SV-COMMIT-2236"}}

    never = [
        b"LOSER-QUALITY-3141",
        b"LOSER-SV-2718",
        b"LOSER-NOTES-1618",
        b"LOSER-DOC-1414",
        b"loser-method.pdf",
        b"WINNER-QUALITY-1732",
        b"WINNER-NOTES-2449",
        b"WINNER-DOC-2645",
        b"winner-method.pdf",
    ]
    held = _raw_holdings(settings.MEDIA_ROOT)
    for where, raw in held:
        for marker in never:
            assert marker not in raw, (where, marker)
    assert {where for where, raw in held if b"WINNER-SV-COMMIT-2236" in raw} == {
        Contract._meta.db_table
    }


def test_call_status_annotation_matches_the_python_rule(people, members):
    from opendps.competitions.status import with_status

    with after_first_period(members):
        draft = make_call(people, members, publish=False, title="Draft")
        published = make_call(people, members, title="Published")
        cancelled = make_call(people, members, title="Cancelled")
        services.call_cancel(actor=people.buyer, call=cancelled, reason="Budget withdrawn")
        tender(people, published)
    moments = [
        published.deadline - timedelta(seconds=1),
        published.deadline + timedelta(seconds=1),
    ]
    for moment in moments:
        with time_machine.travel(moment, tick=False):
            for call in with_status(Call.objects.all()):
                assert call.status == call_status(call), (call.title, moment)
    award = evaluate_and_award(people, published, {people.supplier_a: 3})
    with time_machine.travel(published.deadline + timedelta(minutes=2), tick=False):
        statuses = {c.title: c.status for c in with_status(Call.objects.all())}
        assert statuses == {"Draft": "draft", "Published": "awarded", "Cancelled": "cancelled"}
        for call in with_status(Call.objects.all()):
            assert call.status == call_status(call)
    assert award is not None and draft is not None


def test_receipt_verify_command_accepts_ours_and_rejects_a_forgery(people, open_call, tmp_path):
    import json

    from django.core.management import CommandError, call_command

    submission = tender(people, open_call)
    good = tmp_path / "receipt.json"
    good.write_text(
        json.dumps({"receipt": submission.receipt, "signature": submission.receipt_signature})
    )
    call_command("receipt", "verify", str(good))
    forged = tmp_path / "forged.json"
    forged.write_text(
        json.dumps(
            {
                "receipt": dict(submission.receipt, received_at="2000-01-01T00:00:00.000+00:00"),
                "signature": submission.receipt_signature,
            }
        )
    )
    with pytest.raises(CommandError, match="did not sign"):
        call_command("receipt", "verify", str(forged))


def test_standing_offers_are_seen_by_the_buyer_and_members_only(people, members):
    from opendps.competitions.selectors import standing_offers_in_category
    from opendps.core.errors import NotFound

    member = CategoryMember.objects.get(supplier=people.supplier_a)
    services.standing_offer_save(
        actor=people.supplier_a_writer,
        member=member,
        description="1-2-1 CV coaching",
        delivery_areas=["Leeds", "Bradford"],
        capacity="40 claimants a month",
        price_per_hour=Decimal("32.50"),
    )
    with pytest.raises(RuleViolation, match="price"):
        services.standing_offer_save(actor=people.supplier_a_writer, member=member, description="x")
    offers = standing_offers_in_category(people.buyer, category_id=member.category_id)
    assert [(o.supplier.name, o.price_per_hour) for o in offers] == [
        ("Alpha Support CIC", Decimal("32.50"))
    ]
    assert (
        standing_offers_in_category(people.supplier_b_admin, category_id=member.category_id).count()
        == 1
    )
    with pytest.raises(NotFound):
        standing_offers_in_category(people.other_buyer, category_id=member.category_id)
    with pytest.raises(NotPermitted):
        services.standing_offer_save(
            actor=people.supplier_b_admin, member=member, description="x", price_per_hour=Decimal(1)
        )


def test_feedback_names_the_winner_once_the_award_notice_is_published(people, open_call):
    """PCR 2015: the award notice follows the decision; until it is published a losing
    bidder learns how it compared, then also who won. Advantages read in the reader's
    language from the stored facts."""
    from django.utils import translation

    from opendps.competitions.feedback import advantages_text
    from opendps.competitions.schemas import FeedbackOut
    from opendps.competitions.selectors import feedback_winner_name

    tender(people, open_call, price="4000")
    tender(people, open_call, supplier=people.supplier_b, price="5000")
    award = evaluate_and_award(people, open_call, {people.supplier_a: 2, people.supplier_b: 4})
    feedback = Feedback.objects.get(supplier=people.supplier_a)
    assert award.award_notice_published_at is None
    assert feedback_winner_name(feedback) is None
    assert FeedbackOut.build(feedback).winning_supplier is None
    services.award_notice_record(actor=people.buyer, award=award, reference="2027/S 000-012345")
    assert feedback_winner_name(feedback) == "Beta Care Ltd"
    assert FeedbackOut.build(feedback).winning_supplier == "Beta Care Ltd"
    with translation.override("cy"):
        assert advantages_text(feedback.content)  # worded when read, whatever the language
    legacy = {"relative_advantages": ["Quality: 60.00 against 30.00 points"]}
    assert advantages_text(legacy) == ["Quality: 60.00 against 30.00 points"]
