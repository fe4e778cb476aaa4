"""Strict readers for settings that come from the environment.

Each helper names the variable in its error, so a bad deployment stops at start-up with a
message an operator can act on, instead of misbehaving later.
"""

import os

from django.core.exceptions import ImproperlyConfigured


class BadEnvironment(ImproperlyConfigured):
    """A setting's environment variable is missing or wrong; the message names it.

    manage.py and gunicorn (gunicorn.conf.py) print just the message and exit: the traceback
    of a settings module says nothing an operator needs.
    """


TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


def env_str(name, default=None, *, required=False):
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise BadEnvironment(f"The environment variable {name} must be set.")
        return default
    return value


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in TRUE_VALUES:
        return True
    if lowered in FALSE_VALUES:
        return False
    raise BadEnvironment(
        f"The environment variable {name} must be a boolean (1/0, true/false, yes/no, on/off), "
        f"not {value!r}."
    )


def env_int(name, default, *, minimum=None):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise BadEnvironment(
            f"The environment variable {name} must be a whole number, not {value!r}."
        ) from None
    if minimum is not None and number < minimum:
        raise BadEnvironment(
            f"The environment variable {name} must be at least {minimum}, not {number}."
        )
    return number


def env_list(name, default=()):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]
