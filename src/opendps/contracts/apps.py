from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "opendps.contracts"
    label = "contracts"
