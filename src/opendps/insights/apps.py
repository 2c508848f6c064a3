from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "opendps.insights"
    label = "insights"
