"""What the site logs: everyday refusals in one line, errors with their traceback."""

import logging

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_a_refused_permission_is_one_line_at_warning(editor_client, caplog):
    # Editors may not open the users: the admin raises PermissionDenied.
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = editor_client.get(reverse("admin:auth_user_changelist"))

    assert response.status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.WARNING
    assert record.getMessage() == "Forbidden (Permission denied): /admin/auth/user/"
    assert record.exc_info is None
    assert "Traceback" not in caplog.text
