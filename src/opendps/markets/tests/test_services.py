"""Market services: drafting, publishing with notices, validity changes, ceasing, and the
derived status (the Python rule and the SQL annotation agree)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from opendps.core import clock
from opendps.core.errors import Conflict, NotPermitted, RuleViolation
from opendps.core.events import AuditEventType
from opendps.core.models import AuditEvent
from opendps.markets import services
from opendps.markets.models import Market, MarketNotice, NoticeKind
from opendps.markets.status import MarketStatus, market_status, with_status
from opendps.testing.factories import make_market

pytestmark = pytest.mark.django_db


def test_publishing_writes_the_regimes_notice_and_one_audit_event(people):
    pcr = make_market(people)
    pa = make_market(people, regime="pa2023_dynamic_market", title="Home Support")
    assert list(pcr.notices.values_list("kind", flat=True)) == [NoticeKind.CONTRACT_NOTICE]
    assert list(pa.notices.values_list("kind", flat=True)) == [NoticeKind.ESTABLISHED]
    assert AuditEvent.objects.filter(event_type=AuditEventType.MARKET_PUBLISHED).count() == 2


def test_a_market_needs_a_category_before_publishing(people):
    market = make_market(people, publish=False, categories=())
    with pytest.raises(RuleViolation, match="at least one category"):
        services.market_publish(actor=people.commissioner, market=market)
    assert Market.objects.get().published_at is None


@pytest.mark.parametrize("who", ["buyer", "evaluator", "other_buyer", "supplier_a_admin"])
def test_only_commissioners_and_admins_of_the_authority_set_up_markets(people, who):
    with pytest.raises(NotPermitted):
        services.market_create(
            actor=people.by_name(who),
            authority=people.authority,
            regime="pcr2015_dps",
            title="X",
            description="Y",
            cpv_codes=["79600000-0"],
            estimated_value=1,
            estimated_purchases=1,
            validity_starts_at=clock.now(),
            validity_ends_at=clock.now() + timedelta(days=30),
        )
    assert not Market.objects.exists()


def test_cpv_codes_are_checked(people):
    with pytest.raises(RuleViolation, match="'7960' is not a CPV code"):
        make_market(people, cpv_codes=["7960"])


def test_a_pcr_dps_cannot_run_past_23_february_2029(people):
    with pytest.raises(RuleViolation, match="cannot run beyond"):
        make_market(people, validity_ends_at=clock.now().replace(year=2029, month=2, day=25))


@pytest.mark.parametrize(
    ("regime", "kind"),
    [("pcr2015_dps", NoticeKind.VALIDITY_CHANGE), ("pa2023_dynamic_market", NoticeKind.MODIFIED)],
)
def test_changing_the_period_of_validity_publishes_a_notice(people, regime, kind):
    market = make_market(people, regime=regime)
    new_end = market.validity_ends_at + timedelta(days=60)
    with pytest.raises(RuleViolation, match="Give a reason"):
        services.market_validity_change(
            actor=people.commissioner, market=market, validity_ends_at=new_end, reason=" "
        )
    services.market_validity_change(
        actor=people.commissioner, market=market, validity_ends_at=new_end, reason="Demand grew"
    )
    notice = MarketNotice.objects.filter(market=market).last()
    assert notice.kind == kind and notice.data["reason"] == "Demand grew"
    assert Market.objects.get(pk=market.pk).validity_ends_at == new_end


def test_ceasing_a_dynamic_market_publishes_a_ceased_notice(people):
    market = make_market(people, regime="pa2023_dynamic_market")
    services.market_cease(actor=people.commissioner, market=market, reason="Replaced")
    assert market.notices.last().kind == NoticeKind.CEASED
    assert market_status(Market.objects.get(pk=market.pk)) == MarketStatus.CEASED
    with pytest.raises(Conflict):
        services.market_cease(actor=people.commissioner, market=market, reason="again")


def test_pa_conditions_of_membership_cannot_change_once_established(people):
    market = make_market(people, regime="pa2023_dynamic_market")
    category = market.categories.get()
    with pytest.raises(RuleViolation, match="cannot be changed"):
        services.questionnaire_revise(actor=people.commissioner, category=category, questions=[])
    assert category.questionnaire_versions.count() == 1


def test_pcr_selection_questionnaire_may_be_revised_as_a_new_version(people):
    market = make_market(people)
    category = market.categories.get()
    first = category.questionnaire_versions.get()
    version = services.questionnaire_revise(
        actor=people.commissioner, category=category, questions=first.questions[:3]
    )
    assert version.version == 2 and len(version.questions) == 3
    assert category.questionnaire_versions.get(version=1).questions == first.questions


def test_a_broken_questionnaire_is_refused_with_the_reason(people):
    market = make_market(people)
    with pytest.raises(RuleViolation, match="questionnaire is not valid"):
        services.questionnaire_revise(
            actor=people.commissioner,
            category=market.categories.get(),
            questions=[{"id": "Bad Id!", "text": "", "kind": "telepathy"}],
        )


def test_status_annotation_matches_the_python_rule(people):
    draft = make_market(people, publish=False, title="Draft")
    open_market = make_market(people, title="Open")
    ceased = make_market(people, title="Ceased")
    services.market_cease(actor=people.commissioner, market=ceased, reason="x")
    expected = {draft.pk: "draft", open_market.pk: "open", ceased.pk: "ceased"}
    for moment in [clock.now(), open_market.validity_ends_at + timedelta(seconds=1)]:
        with time_machine.travel(moment, tick=False):
            for market in with_status(Market.objects.all()):
                assert market.status == market_status(market)
    assert {m.pk: m.status for m in with_status(Market.objects.all())} == expected
