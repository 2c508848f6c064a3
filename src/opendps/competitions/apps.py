from django.apps import AppConfig


class CompetitionsConfig(AppConfig):
    name = "opendps.competitions"
    label = "competitions"
