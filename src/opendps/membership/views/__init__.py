"""Membership pages: applying, assessing, members, declarations and the debarment list.

Each view parses input, calls one service or selector, and renders. Scoping is the
selectors' job: an application a person may not see is 'not found', whoever guesses its
id. A service refusal (a closed market, a bad file, a missing reason) is shown in the
GOV.UK error summary, next to the question it is about where there is one.

The pages live in modules by area — ``applying`` (suppliers), ``assessing`` (evaluators),
``members`` (the authority's members) and ``debarment`` (platform staff), with shared
pieces in ``common``; this package re-exports every view the URLconf names.
"""

from opendps.membership.views.applying import (
    application_withdraw,
    apply,
    declaration_answer,
    supplier_application,
    supplier_applications,
    supplier_memberships,
)
from opendps.membership.views.assessing import (
    application_document,
    assess_application,
    evaluator_queue,
    extend_assessment,
)
from opendps.membership.views.common import application_tag, member_tag
from opendps.membership.views.debarment import debarment_list
from opendps.membership.views.grouped import assess_supplier
from opendps.membership.views.locker import evidence, evidence_file, evidence_remove
from opendps.membership.views.members import member_action, member_detail
from opendps.membership.views.tasklist import draft_check, draft_section, draft_tasks

__all__ = [
    "application_document",
    "application_tag",
    "application_withdraw",
    "apply",
    "assess_application",
    "assess_supplier",
    "debarment_list",
    "declaration_answer",
    "draft_check",
    "draft_section",
    "draft_tasks",
    "evaluator_queue",
    "evidence",
    "evidence_file",
    "evidence_remove",
    "extend_assessment",
    "member_action",
    "member_detail",
    "member_tag",
    "supplier_application",
    "supplier_applications",
    "supplier_memberships",
]
