from django.apps import AppConfig


class BrokerageConfig(AppConfig):
    name = "opendps.brokerage"
    label = "brokerage"
