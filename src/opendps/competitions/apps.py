from django.apps import AppConfig


class CompetitionsConfig(AppConfig):
    name = "opendps.competitions"
    label = "competitions"

    def ready(self) -> None:
        from opendps.competitions import next_actions  # noqa: F401  (registers providers)
