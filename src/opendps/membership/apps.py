from django.apps import AppConfig


class MembershipConfig(AppConfig):
    name = "opendps.membership"
    label = "membership"
