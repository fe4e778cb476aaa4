"""gunicorn's configuration, read by `gunicorn portal.wsgi` started in this folder."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


def on_starting(server):
    """Read the settings before any worker starts.

    A bad environment variable then stops gunicorn with its one-line message, instead of each
    worker failing to boot with the settings module's traceback.
    """
    from django.conf import settings

    from portal.env import BadEnvironment

    try:
        settings.INSTALLED_APPS  # noqa: B018 - reading a setting loads them all
    except BadEnvironment as error:
        sys.exit(f"Configuration error: {error}")
