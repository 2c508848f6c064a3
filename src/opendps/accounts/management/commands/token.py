from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opendps.accounts import services
from opendps.accounts.models import User
from opendps.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "API tokens: 'create --user EMAIL [--name NAME] [--days DAYS]' prints a new token "
        "once; it lasts DAYS days (default 90, at most 365)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("--user", required=True, help="email address of the token's owner")
        parser.add_argument("--name", default="command line")
        parser.add_argument(
            "--days",
            type=int,
            default=services.TOKEN_LIFETIME_DAYS_DEFAULT,
            help="how many days the token lasts (1 to 365, default 90)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user with email {options['user']}")
        try:
            _, secret = services.api_token_create(
                actor=user, name=options["name"], days=options["days"]
            )
        except DomainError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(secret)
