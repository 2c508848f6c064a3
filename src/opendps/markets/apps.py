from django.apps import AppConfig


class MarketsConfig(AppConfig):
    name = "opendps.markets"
    label = "markets"

    def ready(self) -> None:
        from opendps.markets import next_actions  # noqa: F401  (registers providers)
