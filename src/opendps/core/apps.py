from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "opendps.core"
    label = "core"
