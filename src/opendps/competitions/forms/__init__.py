"""Competition pages' forms, one module per area; re-exported for the views."""

from opendps.competitions.forms.amendments import (
    CallDocumentForm,
    DeadlineChangeForm,
    NoticeForm,
)
from opendps.competitions.forms.calls import (
    CALL_ERROR_FIELDS,
    AnswerForm,
    CallForm,
    ConfirmForm,
    PlannedCallForm,
    QuestionForm,
    ReasonForm,
    call_error_field,
)
from opendps.competitions.forms.common import (
    KIND_LABELS,
    SCORE_LABELS,
    MonthField,
    TimeField,
    london_moment,
    parse_time,
)
from opendps.competitions.forms.evaluation import AwardForm, ConflictForm, ScoresForm
from opendps.competitions.forms.tenders import StandingOfferForm, TenderForm

__all__ = [
    "CALL_ERROR_FIELDS",
    "KIND_LABELS",
    "SCORE_LABELS",
    "AnswerForm",
    "AwardForm",
    "CallDocumentForm",
    "CallForm",
    "ConfirmForm",
    "ConflictForm",
    "DeadlineChangeForm",
    "MonthField",
    "NoticeForm",
    "PlannedCallForm",
    "QuestionForm",
    "ReasonForm",
    "ScoresForm",
    "StandingOfferForm",
    "TenderForm",
    "TimeField",
    "call_error_field",
    "london_moment",
    "parse_time",
]
