"""/api/v1/competitions: calls, clarifications, sealed tenders, evaluation, award, feedback;
/api/v1/receipts (checking a tender receipt); standing offers (DESIGN.md §5).

A call is seen by its buying authority's people and by the suppliers invited to it; for
anyone else it is "not found", exactly like a missing id. Tender content is readable only
by the buying authority, only after the tenders are opened (Annex IV (b), (d)–(f)); a
supplier sees only its own receipts and its own feedback.

One router, its operations by area in the modules below; they register in the order they
are imported here, which is the order of the OpenAPI document. Operation ids stay
``opendps_competitions_api_`` and the view's name whatever the module
(``opendps.api.OpenDpsApi.get_openapi_operation_id``).
"""

# isort: off
from opendps.competitions.api.common import router
from opendps.competitions.api import calls  # noqa: F401  (registers its operations)
from opendps.competitions.api import amendments  # noqa: F401
from opendps.competitions.api import clarifications  # noqa: F401
from opendps.competitions.api import tenders  # noqa: F401
from opendps.competitions.api import evaluation  # noqa: F401
from opendps.competitions.api import receipts  # noqa: F401
from opendps.competitions.api import offers  # noqa: F401

# isort: on

__all__ = ["router"]
