from django.urls import path

from opendps.contracts import views

app_name = "contracts"

urlpatterns = [
    path("contracts", views.contract_list, name="list"),
    path("contracts/<int:contract_id>", views.contract_detail, name="detail"),
    path("contracts/<int:contract_id>/performance/new", views.performance_new, name="record"),
    path(
        "contracts/<int:contract_id>/performance/<int:record_id>/confirm",
        views.performance_confirm,
        name="confirm",
    ),
    path(
        "contracts/<int:contract_id>/performance/<int:record_id>/dispute",
        views.performance_dispute,
        name="dispute",
    ),
    path("contracts/<int:contract_id>/ratings/new", views.rating_new, name="rate"),
    path(
        "contracts/<int:contract_id>/ratings/<int:rating_id>/reply",
        views.rating_reply,
        name="reply",
    ),
    path("contracts/<int:contract_id>/change", views.contract_change, name="change"),
]
