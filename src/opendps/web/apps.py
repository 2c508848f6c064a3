from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "opendps.web"
    label = "web"

    def ready(self) -> None:
        from opendps.accounts import demo  # noqa: F401  (registers the demo loaders)
        from opendps.brokerage import demo as brokerage_demo  # noqa: F401
        from opendps.challenges import demo as challenges_demo  # noqa: F401
        from opendps.competitions import demo as competitions_demo  # noqa: F401
        from opendps.contracts import demo as contracts_demo  # noqa: F401
        from opendps.membership import demo as membership_demo  # noqa: F401
        from opendps.publication import demo as publication_demo  # noqa: F401
