from django.urls import path

from opendps.availability import views

app_name = "availability"

urlpatterns = [
    path("status", views.status_page, name="status"),
    path("status/policy", views.incident_policy, name="policy"),
]
