"""API schemas for calls for competition, clarifications, tenders, evaluation and award.

The limits here mirror the model fields (and what a database can store), so that input a
model would refuse is refused as 422 before any service runs; what is *lawful* stays with
the services and regimes. No output schema carries a call's key material in raw bytes, nor
who asked a clarification question.

Split by area into the modules of this package; everything is re-exported here, so callers
import from ``opendps.competitions.schemas`` alone.
"""

from opendps.competitions.schemas.award import (
    AwardIn,
    AwardOut,
    ConcludedContractOut,
    FeedbackCriterionOut,
    FeedbackOut,
    RankedOut,
)
from opendps.competitions.schemas.calls import (
    AmendmentOut,
    CallFieldsIn,
    CallIn,
    CallOut,
    CancelIn,
    CloseIn,
    CriterionIn,
    CriterionOut,
    DeadlineIn,
    NoticeIn,
)
from opendps.competitions.schemas.clarifications import AnswerIn, ClarificationOut, QuestionIn
from opendps.competitions.schemas.common import (
    AnswerText,
    CriterionKey,
    Price,
    Reason,
    Region,
    RequiredLongText,
    SubmissionKey,
    _b64url,
)
from opendps.competitions.schemas.evaluation import (
    ConflictIn,
    ConflictOut,
    ExcludedOut,
    ExcludeIn,
    ModerationIn,
    ModerationOut,
    ScoreIn,
    ScoreOut,
    Scores,
    ScoresheetOut,
    ScoresIn,
)
from opendps.competitions.schemas.offers import StandingOfferIn, StandingOfferOut
from opendps.competitions.schemas.tenders import (
    TENDER_IN_DESCRIPTION,
    OpenedTenderOut,
    OpeningOut,
    PublicKeyOut,
    ReceiptBody,
    ReceiptOut,
    SubmissionOut,
    SupplierChoice,
    TenderDocumentOut,
    TenderFormIn,
    TenderIn,
    VerifyIn,
    VerifyOut,
)

__all__ = [
    "TENDER_IN_DESCRIPTION",
    "AmendmentOut",
    "AnswerIn",
    "AnswerText",
    "AwardIn",
    "AwardOut",
    "CallFieldsIn",
    "CallIn",
    "CallOut",
    "CancelIn",
    "ClarificationOut",
    "CloseIn",
    "ConcludedContractOut",
    "ConflictIn",
    "ConflictOut",
    "CriterionIn",
    "CriterionKey",
    "CriterionOut",
    "DeadlineIn",
    "ExcludeIn",
    "ExcludedOut",
    "FeedbackCriterionOut",
    "FeedbackOut",
    "ModerationIn",
    "ModerationOut",
    "NoticeIn",
    "OpenedTenderOut",
    "OpeningOut",
    "Price",
    "PublicKeyOut",
    "QuestionIn",
    "RankedOut",
    "Reason",
    "ReceiptBody",
    "ReceiptOut",
    "Region",
    "RequiredLongText",
    "ScoreIn",
    "ScoreOut",
    "Scores",
    "ScoresIn",
    "ScoresheetOut",
    "StandingOfferIn",
    "StandingOfferOut",
    "SubmissionKey",
    "SubmissionOut",
    "SupplierChoice",
    "TenderDocumentOut",
    "TenderFormIn",
    "TenderIn",
    "VerifyIn",
    "VerifyOut",
    "_b64url",
]

# The tender list is paginated over ``SubmissionOut | OpenedTenderOut``; django-ninja names
# that page's OpenAPI component after the members' dotted paths. Keep the path they had
# before this package was split, so the published API document does not change.
for _schema in (SubmissionOut, OpenedTenderOut):
    _schema.__module__ = __name__
del _schema
