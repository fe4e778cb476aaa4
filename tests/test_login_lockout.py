"""The admin login locks a user name out at one address after repeated wrong passwords."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/admin/login/?next=/admin/"
ATTACKER = "203.0.113.7"  # a documentation address; the test client's own is 127.0.0.1


def log_in(client, username, password, address="127.0.0.1"):
    """Post the admin's login form, as a browser at `address` would."""
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=address)


def is_logged_in(client):
    return "_auth_user_id" in client.session


def guess_until_locked(client, username, address="127.0.0.1"):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(client, username, f"wrong password {attempt}", address)
    return response


def test_a_wrong_password_shows_the_login_form_again(client, editor):
    response = log_in(client, editor.username, "wrong password")

    assert response.status_code == 200
    assert "admin/login.html" in [template.name for template in response.templates]


def test_the_right_password_after_the_failure_limit_is_refused_with_the_lockout_page(
    client, editor
):
    guess_until_locked(client, editor.username)
    response = log_in(client, editor.username, PASSWORD)

    assert response.status_code == 429
    assert "portal/locked_out.html" in [template.name for template in response.templates]
    text = response.content.decode()
    assert f"{settings.AXES_FAILURE_LIMIT} wrong passwords" in text
    assert "<strong>editor</strong>" in text
    assert "lifts by itself 1\xa0hour after the last attempt" in text
    assert "an administrator of the site can lift it" in text
    assert not is_logged_in(client)
    assert client.get("/admin/").status_code == 302  # to the login


def test_a_user_name_locked_at_one_address_still_logs_in_from_another(client, editor):
    guess_until_locked(client, editor.username, address=ATTACKER)

    assert log_in(client, editor.username, PASSWORD, address=ATTACKER).status_code == 429
    response = log_in(client, editor.username, PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_another_user_name_logs_in_from_the_locked_address(client, editor, staff):
    guess_until_locked(client, editor.username)

    response = log_in(client, staff.username, PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)
    client.logout()
    assert log_in(client, editor.username, PASSWORD).status_code == 429


def test_the_administrators_unlock_command_lifts_the_lock(client, editor):
    guess_until_locked(client, editor.username)
    assert log_in(client, editor.username, PASSWORD).status_code == 429

    call_command("axes_reset_username", editor.username, verbosity=0)
    response = log_in(client, editor.username, PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_the_lock_lifts_by_itself_after_the_cool_off(client, editor):
    guess_until_locked(client, editor.username)
    # The failures happened a cool-off ago (and a minute).
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    )

    response = log_in(client, editor.username, PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)
