"""Every change to markets, categories, questionnaires and market notices.

Split by area: ``markets`` (markets, categories, notices, whole questionnaire versions) and
``questionnaires`` (the question-by-question builder). Callers import from here.
"""

from opendps.markets.services.markets import *  # noqa: F403
from opendps.markets.services.markets import (  # noqa: F401
    _check_cpv,
    _lock,
    _new_questionnaire_version,
    _require_market_role,
)
from opendps.markets.services.questionnaires import *  # noqa: F403
