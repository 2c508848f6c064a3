from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "opendps.accounts"
    label = "accounts"

    def ready(self) -> None:
        from opendps.accounts import (
            next_actions,  # noqa: F401  (registers providers)
            token_cache,
        )

        token_cache.connect()
