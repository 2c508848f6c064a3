"""OCDS 1.1 releases, built at read time from the platform's immutable rows.

Nothing here is stored: each release is a pure function of one row (a market notice, a
published call, its cancellation or closure, an award, a contract, its variations and
termination, a confirmed performance record, a planned call) and the
rows it points to, so the same data always gives the same release, with a stable ``id`` of
the form ``{ocid}-{kind}-{row id}`` and the event's moment as its ``date``.

What is never published (DESIGN.md §2 step 8, issue 6): tender content, prices and scores
of unsuccessful bidders (not even their names: only ``numberOfTenderers``), a service
user's needs, reasons written to bidders, and any person's name, email or phone. The
querysets in ``publication.selectors`` defer those columns, so they are not even read.

One module per area: ``markets`` (market notices and the pipeline of planned calls),
``calls`` (calls for competition and their awards) and ``contracts`` (contracts, their
changes and implementation); this package re-exports every builder.
"""

from opendps.publication.releases.calls import (
    award_release,
    call_cancellation_release,
    call_tender_release,
    call_unsuccessful_release,
)
from opendps.publication.releases.contracts import (
    contract_change_release,
    contract_release,
    implementation_release,
)
from opendps.publication.releases.markets import (
    market_notice_release,
    planned_release,
    planned_withdrawal_release,
)

__all__ = [
    "award_release",
    "call_cancellation_release",
    "call_tender_release",
    "call_unsuccessful_release",
    "contract_change_release",
    "contract_release",
    "implementation_release",
    "market_notice_release",
    "planned_release",
    "planned_withdrawal_release",
]
