"""The `thegither` command: Django's manage.py, plus `up` and `allocate`.

`thegither allocate` runs the allocation library without starting Django, so it
stays fast and works on a machine with no database.
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    """Run a thegither command and return its exit status."""
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] == "allocate":
        from thegither.allocation.cli import main as allocate_main

        return allocate_main(argv[2:])

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thegither.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
