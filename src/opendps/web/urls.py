from django.urls import path

from opendps.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("accessibility", views.accessibility, name="accessibility"),
    path("privacy", views.privacy, name="privacy"),
    path("cookies", views.cookies, name="cookies"),
    path("help", views.help_and_contact, name="help"),
    path("feedback", views.feedback, name="feedback"),
    path("open-data", views.open_data, name="open-data"),
    path("language/<str:code>", views.language, name="language"),
]
