"""Settings come from the environment: bad values stop start-up with a message naming them."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from portal.env import env_bool, env_int, env_list, env_str
from portal.roles import EDITORS_GROUP

GOOD_SECRET = "x" * 10 + secrets.token_urlsafe(45)  # 70 characters
POSTGRES_URL = "postgres://portal@127.0.0.1:5432/portal"


def run(*args, **environment):
    """Run Python in a fresh process with only the portal's variables that we give it."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_URL", "SITE_NAME", "EDITOR_"))
    }
    env.update(DJANGO_SETTINGS_MODULE="portal.settings", **environment)
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def setup_django(**environment):
    return run("-c", "import django; django.setup()", **environment)


def print_settings(expression, **environment):
    """Start Django and print `expression` (over the settings, `s`)."""
    code = (
        f"import django; django.setup(); from django.conf import settings as s; print({expression})"
    )
    return run("-c", code, **environment)


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": GOOD_SECRET,
    "DJANGO_ALLOWED_HOSTS": "portal.example.org",
}


@pytest.mark.parametrize(
    ("environment", "variable"),
    [
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
        ({"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "portal.example.org"}, "DJANGO_SECRET_KEY"),
        ({**PRODUCTION, "DJANGO_SECRET_KEY": "too-short"}, "DJANGO_SECRET_KEY"),
        (
            {**PRODUCTION, "DJANGO_SECRET_KEY": "insecure-" + GOOD_SECRET},
            "DJANGO_SECRET_KEY",
        ),
        ({**PRODUCTION, "DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS"),
        ({**PRODUCTION, "DJANGO_ALLOWED_HOSTS": " , "}, "DJANGO_ALLOWED_HOSTS"),
        ({"DATABASE_URL": "nonsense://x"}, "DATABASE_URL"),
        ({"DATABASE_URL": POSTGRES_URL, "DJANGO_CONN_MAX_AGE": "abc"}, "DJANGO_CONN_MAX_AGE"),
        ({"DATABASE_URL": POSTGRES_URL, "DJANGO_CONN_MAX_AGE": "-1"}, "DJANGO_CONN_MAX_AGE"),
        ({"DJANGO_SECURE": "sometimes"}, "DJANGO_SECURE"),
        ({"DJANGO_SECURE": "1", "DJANGO_HSTS_SECONDS": "a year"}, "DJANGO_HSTS_SECONDS"),
        ({"DJANGO_LOG_LEVEL": "LOUD"}, "DJANGO_LOG_LEVEL"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_bad_environment_stops_start_up(environment, variable):
    result = setup_django(**environment)

    assert result.returncode != 0
    assert "BadEnvironment" in result.stderr  # an ImproperlyConfigured
    assert variable in result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("environment", "variable"),
    [
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
        ({**PRODUCTION, "DJANGO_SECRET_KEY": "too-short"}, "DJANGO_SECRET_KEY"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_manage_py_says_which_variable_is_wrong_in_one_line(environment, variable):
    result = run("manage.py", "check", **environment)

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]  # one line
    assert result.stderr.startswith(f"Configuration error: The environment variable {variable}")


def test_gunicorn_says_which_variable_is_wrong_without_a_traceback():
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run(
        [gunicorn, "portal.wsgi", "--bind", "127.0.0.1:0"],
        cwd=settings.BASE_DIR,  # where gunicorn.conf.py is
        env={**os.environ, "DJANGO_DEBUG": "maybe"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("Configuration error: The environment variable DJANGO_DEBUG")


@pytest.mark.parametrize(
    ("arguments", "address"),
    [([], "127.0.0.1:8000"), (["PORT=8001"], "127.0.0.1:8001"), (["HOST=0.0.0.0"], "0.0.0.0:8000")],
)
def test_make_run_serves_on_the_address_given(arguments, address):
    # --dry-run prints the commands make would run, without running them. (Not as a sub-make
    # of `make test`: MAKEFLAGS and MAKELEVEL would change what it prints.)
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")
    }
    result = subprocess.run(
        ["make", "--dry-run", "--no-print-directory", "run", *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].endswith(f"manage.py runserver {address}")


def test_defaults_start_a_fresh_checkout():
    result = print_settings("s.DEBUG, s.DATABASES['default']['ENGINE'], *s.ALLOWED_HOSTS")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3", "127.0.0.1", "localhost"]


def test_production_settings_pass_the_deployment_checks():
    environment = {**PRODUCTION, "DJANGO_SECURE": "1"}

    result = run("manage.py", "check", "--deploy", "--fail-level", "WARNING", **environment)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_without_https_hardening_fails_the_deployment_checks():
    result = run("manage.py", "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode != 0
    assert "security.W008" in result.stderr  # SECURE_SSL_REDIRECT


def test_log_level_is_case_insensitive():
    result = print_settings("s.LOGGING['root']['level']", DJANGO_LOG_LEVEL="info")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "INFO"


def test_postgres_url_gets_persistent_connections():
    result = print_settings(
        "*map(s.DATABASES['default'].get, ['ENGINE', 'CONN_MAX_AGE', 'CONN_HEALTH_CHECKS'])",
        DATABASE_URL=POSTGRES_URL,
        DJANGO_CONN_MAX_AGE="60",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "60", "True"]


# portal/env.py ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("true", True),
        (" YES ", True),
        ("on", True),
        ("0", False),
        ("False", False),
        ("no", False),
        ("off", False),
        ("", False),
    ],
)
def test_env_bool(monkeypatch, value, expected):
    monkeypatch.setenv("PORTAL_TEST_FLAG", value)

    assert env_bool("PORTAL_TEST_FLAG", default=not expected) is expected


def test_env_bool_default_and_error(monkeypatch):
    monkeypatch.delenv("PORTAL_TEST_FLAG", raising=False)
    assert env_bool("PORTAL_TEST_FLAG", default=True) is True

    monkeypatch.setenv("PORTAL_TEST_FLAG", "yes please")
    with pytest.raises(ImproperlyConfigured, match="PORTAL_TEST_FLAG.*'yes please'"):
        env_bool("PORTAL_TEST_FLAG")


def test_env_str(monkeypatch):
    monkeypatch.delenv("PORTAL_TEST_TEXT", raising=False)
    assert env_str("PORTAL_TEST_TEXT", "fallback") == "fallback"
    with pytest.raises(ImproperlyConfigured, match="PORTAL_TEST_TEXT must be set"):
        env_str("PORTAL_TEST_TEXT", required=True)

    monkeypatch.setenv("PORTAL_TEST_TEXT", "")  # set but empty counts as unset
    assert env_str("PORTAL_TEST_TEXT", "fallback") == "fallback"
    with pytest.raises(ImproperlyConfigured, match="PORTAL_TEST_TEXT"):
        env_str("PORTAL_TEST_TEXT", required=True)

    monkeypatch.setenv("PORTAL_TEST_TEXT", "value")
    assert env_str("PORTAL_TEST_TEXT", "fallback", required=True) == "value"


def test_env_int(monkeypatch):
    monkeypatch.delenv("PORTAL_TEST_NUMBER", raising=False)
    assert env_int("PORTAL_TEST_NUMBER", 600) == 600

    for value, expected in [(" 42 ", 42), ("0", 0), ("", 600)]:
        monkeypatch.setenv("PORTAL_TEST_NUMBER", value)
        assert env_int("PORTAL_TEST_NUMBER", 600, minimum=0) == expected

    for value, message in [
        ("4.5", "PORTAL_TEST_NUMBER must be a whole number, not '4.5'"),
        ("ten", "PORTAL_TEST_NUMBER must be a whole number"),
        ("-1", "PORTAL_TEST_NUMBER must be at least 0, not -1"),
    ]:
        monkeypatch.setenv("PORTAL_TEST_NUMBER", value)
        with pytest.raises(ImproperlyConfigured, match=message):
            env_int("PORTAL_TEST_NUMBER", 600, minimum=0)


def test_env_list(monkeypatch):
    monkeypatch.delenv("PORTAL_TEST_LIST", raising=False)
    default = ("a",)
    assert env_list("PORTAL_TEST_LIST", default) == ["a"]
    assert env_list("PORTAL_TEST_LIST") == []

    monkeypatch.setenv("PORTAL_TEST_LIST", " example.org, www.example.org,, ")
    assert env_list("PORTAL_TEST_LIST", default) == ["example.org", "www.example.org"]

    monkeypatch.setenv("PORTAL_TEST_LIST", "  ")
    assert env_list("PORTAL_TEST_LIST", default) == ["a"]


# create_editor ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_editor_noinput(monkeypatch):
    monkeypatch.setenv("EDITOR_PASSWORD", "long enough and uncommon 42")

    call_command("create_editor", "alice", "--noinput", "--email", "alice@example.org")

    alice = get_user_model().objects.get(username="alice")
    assert alice.is_staff and alice.is_active
    assert not alice.is_superuser
    assert list(alice.groups.values_list("name", flat=True)) == [EDITORS_GROUP]
    assert alice.check_password("long enough and uncommon 42")
    assert alice.email == "alice@example.org"
    assert alice.has_perm("organizations.change_organization")
    assert not alice.has_perm("auth.change_user")


@pytest.mark.django_db
def test_create_editor_promotes_an_existing_user(monkeypatch):
    bob = get_user_model().objects.create_user("bob", password="old password 123456")
    monkeypatch.setenv("EDITOR_PASSWORD", "a brand new password 789")

    call_command("create_editor", "bob", "--noinput")

    bob.refresh_from_db()
    assert bob.is_staff and not bob.is_superuser
    assert bob.groups.filter(name=EDITORS_GROUP).exists()
    assert bob.check_password("a brand new password 789")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"), [(None, "EDITOR_PASSWORD"), ("password", "too common")]
)
def test_create_editor_refuses_a_missing_or_weak_password(monkeypatch, password, message):
    if password is None:
        monkeypatch.delenv("EDITOR_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("EDITOR_PASSWORD", password)

    with pytest.raises(CommandError, match=message):
        call_command("create_editor", "carol", "--noinput")

    # No half-made account is left behind, to be "made editor" later without a password.
    assert not get_user_model().objects.filter(username="carol").exists()


def test_create_editor_without_a_terminal_or_a_migrated_database_says_what_to_do(tmp_path):
    """Run from a script, with no terminal to ask for the password on, or on a new database:
    a message that says what to do, not a traceback, and no account made."""
    database = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    command = ["manage.py", "create_editor", "dave"]

    unmigrated = run(*command, DATABASE_URL=database)
    assert unmigrated.returncode == 1
    assert "is not migrated" in unmigrated.stderr and "Traceback" not in unmigrated.stderr

    assert run("manage.py", "migrate", "--noinput", DATABASE_URL=database).returncode == 0
    env = {name: value for name, value in os.environ.items() if not name.startswith("EDITOR_")}
    scripted = subprocess.run(
        [sys.executable, *command],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "portal.settings", "DATABASE_URL": database},
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # no controlling terminal: getpass reads stdin, at its end
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert scripted.returncode == 1
    assert "EDITOR_PASSWORD" in scripted.stderr and "Traceback" not in scripted.stderr
    check = run(
        "manage.py",
        "shell",
        "-c",
        "from django.contrib.auth.models import User; print(User.objects.count())",
        DATABASE_URL=database,
    )
    assert check.stdout.strip().endswith("0")
