"""Public reads go to the replica alias, everything else to the primary.

The replica here is a second alias, with its own connection, to the same database (as the
settings make it when DATABASE_REPLICA_URL names the primary): its queries are told apart by
the connection that ran them. It sees only committed rows, hence transactional_db.
"""

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from organizations.models import Organization
from portal.routers import PrimaryReplicaRouter
from tests.factories import make_organization


@pytest.fixture
def replica(transactional_db):
    connections.settings["replica"] = dict(connections["default"].settings_dict)
    # Connected here: the test case only lets the aliases it was told of connect on demand.
    connections["replica"].connect()
    yield connections["replica"]
    connections["replica"].close()
    del connections["replica"]
    del connections.settings["replica"]


def queries_by_alias(request):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = request()
    return response, len(primary), len(replica)


def test_a_public_page_reads_from_the_replica(replica):
    organization = make_organization()
    response, primary, replica_queries = queries_by_alias(
        lambda: Client().get(organization.get_absolute_url())
    )
    assert response.status_code == 200 and organization.name in response.content.decode()
    assert primary == 0 and replica_queries > 0


def test_a_logged_in_editor_reads_the_primary(replica, django_user_model):
    organization = make_organization()
    editor = django_user_model.objects.create_user("ed", is_staff=True)
    client = Client()
    client.force_login(editor)
    response, primary, replica_queries = queries_by_alias(
        lambda: client.get(organization.get_absolute_url())
    )
    assert response.status_code == 200
    assert primary > 0 and replica_queries == 0


def test_a_post_reads_and_writes_the_primary(replica):
    response, primary, replica_queries = queries_by_alias(
        lambda: Client().post("/admin/login/", {"username": "nobody", "password": "wrong"})
    )
    assert response.status_code in (200, 403)
    assert primary > 0 and replica_queries == 0


def test_outside_a_request_everything_goes_to_the_primary(replica):
    make_organization()
    _, primary, replica_queries = queries_by_alias(lambda: list(Organization.objects.all()))
    assert primary == 1 and replica_queries == 0


def test_without_a_replica_public_reads_go_to_the_primary(db):
    router = PrimaryReplicaRouter()
    assert "replica" not in connections.settings
    assert router.db_for_read(Organization) == "default"
    assert router.db_for_write(Organization) == "default"
