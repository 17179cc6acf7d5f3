"""The ``pingji`` command: Django's manage.py under the project's own name.

Every management command works through it (``pingji migrate``, ``pingji demo``, ``pingji token``…).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingji.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["pingji", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
