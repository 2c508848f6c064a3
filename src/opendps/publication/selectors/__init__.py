"""Reads for open data: every release in (date, id) order, paged or streamed, and the
releases of one contracting process.

Open data is public, so these selectors take no actor: what is public is decided by which
rows become releases (published markets and calls, their awards, contracts, contract
changes and confirmed performance records) and by ``publication.releases``, which builds
each release. The querysets leave out the columns that must never be published (a service
user's needs, the award's ranking of every bidder, a contract's commitments, reasons
written to bidders or for contract changes, performance notes, sealed keys), so they are
not even read.

Each *source* is one table and one timestamp column (index-backed: the publication
migrations add the indexes the owning apps lack). Releases are ordered by the key
(date, source rank, row id): a page reads at most ``limit + 1`` rows from each source after
the cursor and merges them; the export merges the sources' streams the same way, so memory
stays flat however many releases there are.

One module per area: ``sources`` (the tables releases come from), ``cursor`` (positions in
the order of releases) and ``pages`` (pages, the stream, one process's releases); this
package re-exports what the rest of the app reads.
"""

from opendps.publication.selectors.cursor import CURSOR_INVALID, Cursor
from opendps.publication.selectors.pages import (
    MAX_LIMIT,
    PROCESS_NOT_FOUND,
    PageKeys,
    ReleasePage,
    release_count,
    release_iter,
    release_keys_for_ocid,
    release_latest_date,
    release_list_for_ocid,
    release_page,
    release_page_build,
    release_page_keys,
)
from opendps.publication.selectors.sources import SOURCES, Source

__all__ = [
    "CURSOR_INVALID",
    "MAX_LIMIT",
    "PROCESS_NOT_FOUND",
    "SOURCES",
    "Cursor",
    "PageKeys",
    "ReleasePage",
    "Source",
    "release_count",
    "release_iter",
    "release_keys_for_ocid",
    "release_latest_date",
    "release_list_for_ocid",
    "release_page",
    "release_page_build",
    "release_page_keys",
]
