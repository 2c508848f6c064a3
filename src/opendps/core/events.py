"""Audit event types: one list, past tense, so grep finds every kind of state change."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEventType(models.TextChoices):
    # accounts
    USER_REGISTERED = "user_registered", _("User registered")
    ORGANISATION_CREATED = "organisation_created", _("Organisation created")
    ORGANISATION_UPDATED = "organisation_updated", _("Organisation updated")
    COLLEAGUE_INVITED = "colleague_invited", _("Colleague invited")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
    MEMBERSHIP_ROLE_CHANGED = "membership_role_changed", _("Role changed")
    MEMBERSHIP_REMOVED = "membership_removed", _("Colleague removed")
    API_TOKEN_CREATED = "api_token_created", _("API token created")
    API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
    PASSWORD_RESET_COMPLETED = "password_reset_completed", _("Password reset")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    SIGNED_IN = "signed_in", _("Signed in")
    SIGN_IN_LOCKED_OUT = "sign_in_locked_out", _("Sign-in locked out")
    LANGUAGE_CHOSEN = "language_chosen", _("Language chosen")
    # markets
    MARKET_CREATED = "market_created", _("Market created")
    MARKET_UPDATED = "market_updated", _("Market updated")
    CATEGORY_ADDED = "category_added", _("Category added")
    QUESTIONNAIRE_REVISED = "questionnaire_revised", _("Questionnaire revised")
    MARKET_PUBLISHED = "market_published", _("Market published")
    MARKET_VALIDITY_CHANGED = "market_validity_changed", _("Period of validity changed")
    MARKET_CEASED = "market_ceased", _("Market ceased")
    # membership
    APPLICATION_SUBMITTED = "application_submitted", _("Application submitted")
    APPLICATION_ASSESSMENT_EXTENDED = (
        "application_assessment_extended",
        _("Assessment period extended"),
    )
    APPLICATION_ADMITTED = "application_admitted", _("Application admitted")
    APPLICATION_REJECTED = "application_rejected", _("Application rejected")
    APPLICATION_WITHDRAWN = "application_withdrawn", _("Application withdrawn")
    APPLICATION_DRAFT_SAVED = "application_draft_saved", _("Application draft saved")
    EVIDENCE_ADDED = "evidence_added", _("Evidence added to the locker")
    EVIDENCE_REMOVED = "evidence_removed", _("Evidence removed from the locker")
    EVIDENCE_REMINDER_SENT = "evidence_reminder_sent", _("Evidence expiry reminder sent")
    DECLARATION_REQUESTED = "declaration_requested", _("Renewed self-declaration requested")
    DECLARATION_ANSWERED = "declaration_answered", _("Renewed self-declaration answered")
    MEMBER_SUSPENDED = "member_suspended", _("Member suspended")
    MEMBER_REINSTATED = "member_reinstated", _("Member reinstated")
    MEMBER_REMOVED = "member_removed", _("Member removed")
    DEBARMENT_ADDED = "debarment_added", _("Supplier added to the debarment list")
    DEBARMENT_LIFTED = "debarment_lifted", _("Supplier removed from the debarment list")
    # competitions
    CALL_CREATED = "call_created", _("Call for competition created")
    CALL_PUBLISHED = "call_published", _("Call for competition published")
    CALL_CANCELLED = "call_cancelled", _("Call for competition cancelled")
    CALL_CLOSED_NO_COMPLIANT = "call_closed_no_compliant", _("Call closed with no compliant tender")
    CLARIFICATION_ASKED = "clarification_asked", _("Clarification question asked")
    CLARIFICATION_ANSWERED = "clarification_answered", _("Clarification answered to all")
    CALL_UPDATED = "call_updated", _("Draft call changed")
    CALL_DOCUMENT_ADDED = "call_document_added", _("Call document added")
    CALL_DOCUMENT_REMOVED = "call_document_removed", _("Call document removed")
    CALL_NOTICE_SENT = "call_notice_sent", _("Clarification notice sent to every invitee")
    CALL_DEADLINE_CHANGED = "call_deadline_changed", _("Deadline for tenders changed")
    TENDER_SUBMITTED = "tender_submitted", _("Tender submitted")
    TENDER_WITHDRAWN = "tender_withdrawn", _("Tender withdrawn")
    TENDER_READ_BY_SUPPLIER = (
        "tender_read_by_supplier",
        _("Own tender unsealed for its supplier before the deadline"),
    )
    TENDER_SUBMISSION_REFUSED = (
        "tender_submission_refused",
        _("Late or unauthorised tender refused"),
    )
    OPENING_APPROVED = "opening_approved", _("Opening approved by the first officer")
    TENDERS_OPENED = "tenders_opened", _("Tenders opened")
    TENDER_ACCESS_REFUSED = "tender_access_refused", _("Attempt to read sealed tenders refused")
    CONFLICT_DECLARED = "conflict_declared", _("Conflict of interest declared")
    SCORESHEET_SAVED = "scoresheet_saved", _("Scores saved")
    SCORESHEET_SUBMITTED = "scoresheet_submitted", _("Scores submitted")
    TENDER_EXCLUDED = "tender_excluded", _("Tender excluded as non-compliant")
    MODERATION_RECORDED = "moderation_recorded", _("Consensus scores recorded")
    AWARD_DECIDED = "award_decided", _("Award decided")
    CONTRACT_CONCLUDED = "contract_concluded", _("Contract entered into")
    AWARD_NOTICE_RECORDED = "award_notice_recorded", _("Award notice recorded as published")
    STANDING_OFFER_SAVED = "standing_offer_saved", _("Standing offer saved")
    # brokerage (care placements)
    CAPACITY_RECORDED = "capacity_recorded", _("Capacity recorded")
    PLACEMENT_OFFERED = "placement_offered", _("Placement offered to a provider")
    PLACEMENT_ACCEPTED = "placement_accepted", _("Placement accepted")
    PLACEMENT_DECLINED = "placement_declined", _("Placement declined")
    PLACEMENT_LAPSED = "placement_lapsed", _("Placement offer lapsed unanswered")
    PLACEMENT_EXHAUSTED = "placement_exhausted", _("No provider left to offer the placement")
    # availability
    AVAILABILITY_POLICY_SAVED = "availability_policy_saved", _("Incident extension policy saved")
    # contracts
    PERFORMANCE_RECORDED = "performance_recorded", _("Performance recorded")
    PERFORMANCE_CONFIRMED = "performance_confirmed", _("Performance confirmed")
    PERFORMANCE_DISPUTED = "performance_disputed", _("Performance disputed")
    CONTRACT_RATED = "contract_rated", _("Contract performance rated")
    RATING_ANSWERED = "rating_answered", _("Supplier answered a rating")
    CONTRACT_VARIED = "contract_varied", _("Contract varied")
    CONTRACT_TERMINATED = "contract_terminated", _("Contract terminated")
    DETAILS_NOTICE_RECORDED = (
        "details_notice_recorded",
        _("Contract details notice recorded as published"),
    )
    PLANNED_CALL_ANNOUNCED = "planned_call_announced", _("Planned call announced")
    PLANNED_CALL_WITHDRAWN = "planned_call_withdrawn", _("Planned call withdrawn")
    SEAL_BROKEN_DETECTED = "seal_broken_detected", _("Altered sealed content detected")
    # challenges
    CHALLENGE_RAISED = "challenge_raised", _("Challenge raised")
    CHALLENGE_ACKNOWLEDGED = "challenge_acknowledged", _("Challenge acknowledged")
    CHALLENGE_REVIEWED = "challenge_reviewed", _("Challenge review recorded")
    CHALLENGE_PROCEEDINGS_RECORDED = (
        "challenge_proceedings_recorded",
        _("Proceedings about a challenged decision recorded"),
    )
    CHALLENGE_DECIDED = "challenge_decided", _("Challenge decided")
    CHALLENGE_REMEDY_RECORDED = "challenge_remedy_recorded", _("Challenge remedy carried out")
    CHALLENGE_TIME_LIMITS_SET = "challenge_time_limits_set", _("Challenge time limits set")
    # alerts
    ALERT_CREATED = "alert_created", _("Email alert created")
    ALERT_STOPPED = "alert_stopped", _("Email alert stopped")
