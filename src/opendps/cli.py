"""The ``opendps`` console command: Django's management commands under one name.

``opendps serve``, ``opendps demo``, ``opendps token create --user EMAIL``,
``opendps audit verify``, ``opendps worker`` and every Django command (``opendps migrate``).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opendps.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["opendps", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
