from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from opendps.web.demo import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Load the demo organisations, people and markets (safe to run twice)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()

        def progress(step: str) -> None:
            elapsed = time.monotonic() - started
            self.stdout.write(f"  [{elapsed:5.1f} s] {step}…")
            self.stdout.flush()

        self.stdout.write("Loading the demo data (about a minute)…")
        context = demo_load(progress)
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Sign in at /account/sign-in with:"))
        width = max(len(email) for _, email in context.logins)
        for who, email in context.logins:
            self.stdout.write(f"  {email:<{width}}  {DEMO_PASSWORD}   ({who})")
