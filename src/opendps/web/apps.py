from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "opendps.web"
    label = "web"

    def ready(self) -> None:
        from opendps.accounts import demo  # noqa: F401  (registers the demo loader)
