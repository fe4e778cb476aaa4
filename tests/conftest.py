import pytest
from django.contrib.auth import get_user_model

from portal.roles import make_editor

PASSWORD = "correct horse battery staple"


@pytest.fixture
def editor(db):
    """Staff with the content permissions of the Editors group; not a superuser."""
    user = get_user_model().objects.create_user("editor", "editor@example.org", PASSWORD)
    return make_editor(user)


@pytest.fixture
def staff(db):
    """Staff without any content permission: sees drafts, edits nothing."""
    return get_user_model().objects.create_user(
        "staff", "staff@example.org", PASSWORD, is_staff=True
    )


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client
