"""Market health: challenges to the market's decisions and how they ended."""

from __future__ import annotations

from django.utils.translation import gettext as _

from opendps.challenges.models import ChallengeKind
from opendps.insights.selectors.market import MarketHealth
from opendps.insights.tables import Column, Kind, Section, Table


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
    table = Table(
        key="challenges",
        title=_("Challenges by kind of decision"),
        columns=[
            Column("kind", _("Decision challenged")),
            Column("raised", _("Raised"), Kind.INT),
            Column("open", _("Open"), Kind.INT),
            Column("upheld", _("Upheld"), Kind.INT),
            Column("partly_upheld", _("Partly upheld"), Kind.INT),
            Column("dismissed", _("Dismissed"), Kind.INT),
            Column("late", _("Past the due date"), Kind.INT),
        ],
        rows=[
            (
                str(ChallengeKind(r.kind).label),
                r.raised,
                r.open,
                r.upheld,
                r.partly_upheld,
                r.dismissed,
                r.late,
            )
            for r in rows
        ],
    )
    return Section(
        key="challenges", heading=_("Challenges"), summary=summary, tables=[table], chart=None
    )
