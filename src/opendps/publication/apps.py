from django.apps import AppConfig


class PublicationConfig(AppConfig):
    name = "opendps.publication"
    label = "publication"

    def ready(self) -> None:
        from opendps.publication import (  # noqa: F401  (they register themselves)
            checks,  # the OCID prefix, at start
            next_actions,  # providers
        )
