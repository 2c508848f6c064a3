from django.apps import AppConfig


class PublicationConfig(AppConfig):
    name = "opendps.publication"
    label = "publication"
