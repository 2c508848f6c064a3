from django.urls import path

from opendps.competitions import views

app_name = "competitions"

urlpatterns = [
    # anyone, signed in or not
    path("opportunities", views.opportunity_list, name="opportunities"),
    path("opportunities/<int:call_id>", views.opportunity_detail, name="opportunity"),
    path("awards", views.award_list, name="awards"),
    path("receipts/verify", views.receipt_verify, name="receipt-verify"),
    # buyer
    path("calls", views.buyer_calls, name="buyer-calls"),
    path("calls/new", views.call_create, name="call-create"),
    path("calls/planned", views.planned_call_announce, name="planned-call-announce"),
    path(
        "calls/planned/<int:planned_id>/withdraw",
        views.planned_call_withdraw,
        name="planned-call-withdraw",
    ),
    # every role that may see the call (emails link here: /calls/{id})
    path("calls/<int:call_id>", views.call_detail, name="call-detail"),
    path("calls/<int:call_id>/edit", views.call_edit, name="call-edit"),
    path("calls/<int:call_id>/publish", views.call_publish, name="call-publish"),
    path("calls/<int:call_id>/cancel", views.call_cancel, name="call-cancel"),
    path("calls/<int:call_id>/deadline", views.call_deadline_change, name="call-deadline"),
    path("calls/<int:call_id>/notice", views.call_notice, name="call-notice"),
    path("calls/<int:call_id>/documents", views.call_documents, name="call-documents"),
    path(
        "calls/<int:call_id>/documents/<slug:kind>",
        views.call_document,
        name="call-document",
    ),
    path("calls/<int:call_id>/close", views.call_close, name="call-close"),
    path("calls/<int:call_id>/questions", views.question_ask, name="question-ask"),
    path(
        "calls/<int:call_id>/questions/<int:question_id>/answer",
        views.question_answer,
        name="question-answer",
    ),
    path("calls/<int:call_id>/open", views.call_open, name="call-open"),
    path("calls/<int:call_id>/tenders", views.tenders, name="tenders"),
    path(
        "calls/<int:call_id>/tenders/<int:submission_id>/exclude",
        views.tender_exclude,
        name="tender-exclude",
    ),
    path(
        "calls/<int:call_id>/tenders/<int:submission_id>/documents/<int:index>",
        views.tender_document,
        name="tender-document",
    ),
    path("calls/<int:call_id>/evaluation", views.evaluation, name="evaluation"),
    path("calls/<int:call_id>/moderation", views.moderation, name="moderation"),
    path("calls/<int:call_id>/award", views.award, name="award"),
    path("calls/<int:call_id>/award/confirm", views.award_confirm, name="award-confirm"),
    path("calls/<int:call_id>/contract", views.contract_conclude, name="contract"),
    # supplier
    path("calls/<int:call_id>/tender", views.tender_submit, name="tender-submit"),
    path("calls/<int:call_id>/withdraw", views.tender_withdraw, name="tender-withdraw"),
    path("calls/<int:call_id>/receipts", views.receipts, name="receipts"),
    path("calls/<int:call_id>/receipts/<int:submission_id>", views.receipt, name="receipt"),
    path(
        "calls/<int:call_id>/receipts/<int:submission_id>/receipt.json",
        views.receipt_download,
        name="receipt-download",
    ),
    # emails link here: /calls/{id}/feedback
    path("calls/<int:call_id>/feedback", views.feedback, name="feedback"),
    path("invitations", views.invitations, name="invitations"),
    path("standing-offers", views.standing_offers, name="standing-offers"),
    path("standing-offers/<int:member_id>", views.standing_offer_edit, name="standing-offer-edit"),
    # evaluator
    path("evaluation", views.evaluator_calls, name="evaluator-calls"),
]
