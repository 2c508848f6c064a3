"""Market health: challenges to the market's decisions and how they ended."""

from __future__ import annotations

from django.utils.translation import gettext as _

from opendps.challenges.models import ChallengeKind
from opendps.insights.sections.common import Field, table_of
from opendps.insights.selectors.market import MarketHealth
from opendps.insights.tables import Kind, Section


def challenges_section(health: MarketHealth) -> Section:
    rows = health.challenges
    raised = sum(r.raised for r in rows)
    summary = _(
        "%(raised)s challenges were raised: %(upheld)s upheld, %(partly)s partly upheld, "
        "%(dismissed)s dismissed and %(open)s still open."
    ) % {
        "raised": raised,
        "upheld": sum(r.upheld for r in rows),
        "partly": sum(r.partly_upheld for r in rows),
        "dismissed": sum(r.dismissed for r in rows),
        "open": sum(r.open for r in rows),
    }
    table = table_of(
        key="challenges",
        title=_("Challenges by kind of decision"),
        fields=[
            Field(
                "kind", _("Decision challenged"), source=lambda r: str(ChallengeKind(r.kind).label)
            ),
            Field("raised", _("Raised"), Kind.INT),
            Field("open", _("Open"), Kind.INT),
            Field("upheld", _("Upheld"), Kind.INT),
            Field("partly_upheld", _("Partly upheld"), Kind.INT),
            Field("dismissed", _("Dismissed"), Kind.INT),
            Field("late", _("Past the due date"), Kind.INT),
        ],
        rows=rows,
    )
    return Section(
        key="challenges", heading=_("Challenges"), summary=summary, tables=[table], chart=None
    )
