from django.apps import AppConfig


class MembershipConfig(AppConfig):
    name = "opendps.membership"
    label = "membership"

    def ready(self) -> None:
        from opendps.membership import next_actions  # noqa: F401  (registers providers)
