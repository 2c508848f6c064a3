from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "opendps.alerts"
    label = "alerts"
