from django.urls import path

from opendps.membership import views

app_name = "membership"

urlpatterns = [
    # supplier
    path("markets/<int:market_id>/apply", views.apply, name="apply"),
    path("applications", views.supplier_applications, name="supplier-applications"),
    path("applications/drafts/<int:draft_id>", views.draft_tasks, name="draft"),
    path(
        "applications/drafts/<int:draft_id>/sections/<int:number>",
        views.draft_section,
        name="draft-section",
    ),
    path("applications/drafts/<int:draft_id>/check", views.draft_check, name="draft-check"),
    path(
        "applications/<int:application_id>", views.supplier_application, name="supplier-application"
    ),
    path(
        "applications/<int:application_id>/withdraw",
        views.application_withdraw,
        name="application-withdraw",
    ),
    path("memberships", views.supplier_memberships, name="supplier-memberships"),
    path("evidence", views.evidence, name="evidence"),
    path("evidence/<int:document_id>/remove", views.evidence_remove, name="evidence-remove"),
    path("evidence/<int:document_id>/file", views.evidence_file, name="evidence-file"),
    path("declarations/<int:request_id>", views.declaration_answer, name="declaration-answer"),
    # evaluator / commissioner
    path("assessment", views.evaluator_queue, name="evaluator-queue"),
    path("assessment/<int:application_id>", views.assess_application, name="assess-application"),
    path("assessment/suppliers/<int:supplier_id>", views.assess_supplier, name="assess-supplier"),
    path(
        "assessment/<int:application_id>/extend", views.extend_assessment, name="extend-assessment"
    ),
    path(
        "assessment/<int:application_id>/documents/<int:document_id>",
        views.application_document,
        name="application-document",
    ),
    path("members/<int:member_id>", views.member_detail, name="member-detail"),
    path("members/<int:member_id>/<str:action>", views.member_action, name="member-action"),
    # platform staff
    path("debarment", views.debarment_list, name="debarment"),
]
