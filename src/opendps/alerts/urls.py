from django.urls import path

from opendps.alerts import views

app_name = "alerts"

urlpatterns = [
    path("alerts", views.alert_list, name="list"),
    path("alerts/<int:search_id>/stop", views.alert_stop, name="stop"),
    path("alerts/unsubscribe/<str:token>", views.unsubscribe, name="unsubscribe"),
]
