#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from django.core.management import execute_from_command_line

    from portal.env import BadEnvironment

    try:
        execute_from_command_line(sys.argv)
    except BadEnvironment as error:
        # The message names the variable; the settings module's traceback adds nothing.
        sys.exit(f"Configuration error: {error}")


if __name__ == "__main__":
    main()
