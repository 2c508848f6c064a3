"""The route world's records beyond the market and its calls, each made through the real
services, so that every route about one has a real id to be walked with:

- applying: a second market where supplier A has an application waiting for assessment,
  four rejected ones (one free to challenge, three challenged: one just raised with a
  document, one acknowledged, one upheld with a remedy still to carry out), and a draft
  that reuses a document of its evidence locker; supplier B challenges the award it lost;
- brokerage: a light-touch market whose members care for one service user at a time,
  supplier A's standing offer, a rapid call still open (answered from the offer) and one
  awarded whose placement waits for supplier A's answer at ``route_world.NOW``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from opendps.core.calendar import LONDON
from opendps.testing.factories import (
    TINY_PDF,
    apply,
    make_call,
    make_market,
    member_suppliers,
    tender,
)

# Only the challenging supplier and the authority may read a challenge's grounds.
CHALLENGE_GROUNDS = "GROUNDSCANARYQ5 the decision is wrong"
WELLBEING_CATEGORIES = (
    "Peer mentoring",
    "Debt advice",
    "Digital skills",
    "Confidence building",
    "Housing advice",
    "Volunteering",
)


def at(year: int, month: int, day: int, hour: int = 9) -> Any:
    return time_machine.travel(datetime(year, month, day, hour, tzinfo=LONDON), tick=False)


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, TINY_PDF, "application/pdf")


def build_applying(people: Any, awarded_call_id: int) -> dict[str, Any]:
    """Supplier A's applications, draft, locker document and challenges, supplier B's
    challenge to the award (2 March 2027)."""
    from opendps.membership import services as membership_services

    with at(2027, 3, 2, 13):
        market = make_market(people, title="Wellbeing DPS", categories=WELLBEING_CATEGORIES)
        categories = list(market.categories.order_by("pk"))
        waiting, *rejections = apply(people, market, categories=categories[:5])
        for application in rejections:
            membership_services.application_decide(
                actor=people.evaluator,
                application=application,
                outcome="rejected",
                reasons={application.questionnaire.questions[0]["id"]: "Cover too low."},
            )
        locker = membership_services.evidence_add(
            actor=people.supplier_a_admin,
            supplier=people.supplier_a,
            kind="insurance",
            title="Public liability insurance",
            upload=_pdf("insurance.pdf"),
        )
        draft = membership_services.draft_start(
            actor=people.supplier_a_admin,
            supplier=people.supplier_a,
            market=market,
            category_ids=[categories[5].pk],
        )
        # The draft's file question answered from the locker, as the task list lets one.
        question = next(
            q for q in membership_services.draft_questions(draft) if q["kind"] == "file"
        )
        membership_services.draft_save_section(
            actor=people.supplier_a_admin,
            draft=draft,
            section=question.get("section") or "",
            answers={},
            evidence={question["id"]: locker},
        )
    free, *challenged = rejections
    return {
        "waiting_application_id": waiting.pk,
        "decision_id": free.pk,  # a rejection not yet challenged (and the API's body key)
        "evidence_id": locker.pk,
        "draft_id": draft.pk,
    } | _challenges(people, [a.pk for a in challenged], awarded_call_id)


def _challenges(people: Any, rejected_ids: list[int], awarded_call_id: int) -> dict[str, Any]:
    """A challenge in each state an authority's step needs (2 March 2027, 14:00)."""
    from opendps.challenges import services as challenge_services

    def raised(decision_id: int, kind: str = "application_rejected", files: Any = ()) -> Any:
        supplier_b = kind == "award"
        return challenge_services.challenge_raise(
            actor=people.supplier_b_admin if supplier_b else people.supplier_a_admin,
            supplier=people.supplier_b if supplier_b else people.supplier_a,
            kind=kind,
            decision_id=decision_id,
            grounds=CHALLENGE_GROUNDS,
            files=files,
        )

    def acknowledged(challenge: Any) -> Any:
        return challenge_services.challenge_acknowledge(
            actor=people.commissioner, challenge=challenge
        )

    with at(2027, 3, 2, 14):
        just_raised = raised(rejected_ids[0], files=[_pdf("cover-note.pdf")])
        in_review = acknowledged(raised(rejected_ids[1]))
        upheld = challenge_services.challenge_decide(
            actor=people.commissioner,
            challenge=acknowledged(raised(rejected_ids[2])),
            outcome="upheld",
            reasons="The cover met the level.",
            remedy="reassess",
        )
        award = acknowledged(raised(awarded_call_id, kind="award"))
    return {
        "challenge_id": just_raised.pk,
        "challenge_document_id": just_raised.documents.get().pk,
        "acknowledged_challenge_id": in_review.pk,
        "upheld_challenge_id": upheld.pk,
        "award_challenge_id": award.pk,
    }


def build_brokerage(people: Any) -> dict[str, Any]:
    """Supplier A's standing offer, a rapid call open for it, and a placement offered to it
    at 11:01 on 3 March 2027 with two hours to answer (so still waiting at noon)."""
    from opendps.competitions import services as competition_services
    from opendps.membership.models import CategoryMember

    with at(2027, 3, 3, 8):
        market = make_market(
            people,
            regime="pa2023_dynamic_market",
            light_touch=True,
            title="Home Care Dynamic Market",
            categories=("Home care",),
        )
        member_suppliers(
            people,
            market,
            (people.supplier_a, people.supplier_a_admin),
            (people.supplier_b, people.supplier_b_admin),
        )
        competition_services.standing_offer_save(
            actor=people.supplier_a_admin,
            member=CategoryMember.objects.get(market=market, supplier=people.supplier_a),
            description="Carers in the mornings and evenings, seven days.",
            price_per_hour=Decimal("24.50"),
        )
        placed = _rapid_call(people, market, hours=3, acceptance_hours=2)
        tender(people, placed, price="4000")
        tender(people, placed, supplier=people.supplier_b, price="5000")
        open_rapid = _rapid_call(people, market, hours=8, title="Home care, Southgate")
    with time_machine.travel(placed.deadline + timedelta(minutes=1), tick=False):
        _award_rapid(people, placed)
    return {"rapid_call_id": open_rapid.pk, "placement_id": placed.placements.get().pk}


def _rapid_call(people: Any, market: Any, *, hours: int, **fields: Any) -> Any:
    from opendps.core import clock

    return make_call(
        people,
        market,
        deadline=clock.now() + timedelta(hours=hours),
        rapid=True,
        title=fields.pop("title", "Home care, 14 hours a week, Northgate"),
        service_user_needs="Help with washing and meals, mornings.",
        **fields,
    )


def _award_rapid(people: Any, call: Any) -> None:
    """Open, score (supplier A first), moderate and award: the placement goes to A."""
    from opendps.competitions import services as competition_services
    from opendps.competitions.models import TenderSubmission

    competition_services.call_open(actor=people.buyer, call=call)
    quality = {people.supplier_a: 4, people.supplier_b: 2}
    scores = {
        str(TenderSubmission.objects.get(call=call, supplier=s, superseded_at=None).pk): {
            "quality": {"score": q, "reason": f"{s.name} scored {q}"}
        }
        for s, q in quality.items()
    }
    competition_services.conflict_declare(actor=people.evaluator, call=call, has_conflict=False)
    competition_services.scoresheet_save(
        actor=people.evaluator, call=call, scores=scores, submit=True
    )
    competition_services.moderation_record(actor=people.commissioner, call=call, scores=scores)
    competition_services.award_decide(actor=people.buyer, call=call)
