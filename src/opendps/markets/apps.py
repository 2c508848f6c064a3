from django.apps import AppConfig


class MarketsConfig(AppConfig):
    name = "opendps.markets"
    label = "markets"
