from django.apps import AppConfig


class PublicationConfig(AppConfig):
    name = "opendps.publication"
    label = "publication"

    def ready(self) -> None:
        from opendps.publication import next_actions  # noqa: F401  (registers providers)
