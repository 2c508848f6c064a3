from django.apps import AppConfig


class AvailabilityConfig(AppConfig):
    name = "opendps.availability"
    label = "availability"
