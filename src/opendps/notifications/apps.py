from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "opendps.notifications"
    label = "notifications"
