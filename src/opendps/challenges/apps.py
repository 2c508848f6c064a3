from django.apps import AppConfig


class ChallengesConfig(AppConfig):
    name = "opendps.challenges"
    label = "challenges"

    def ready(self) -> None:
        from opendps.challenges import next_actions  # noqa: F401  (registers providers)
