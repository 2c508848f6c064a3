from django.urls import path

from opendps.challenges import views

app_name = "challenges"

urlpatterns = [
    path("challenges", views.challenge_list, name="list"),
    path("challenges/new", views.challenge_choose, name="choose"),
    path("challenges/new/<str:kind>/<int:decision_id>", views.challenge_raise, name="raise"),
    path("challenges/time-limits", views.time_limits, name="time-limits"),
    path("challenges/<int:challenge_id>", views.challenge_detail, name="detail"),
    path(
        "challenges/<int:challenge_id>/documents/<int:document_id>",
        views.challenge_document,
        name="document",
    ),
    path("challenges/<int:challenge_id>/<str:step>", views.challenge_step, name="step"),
]
