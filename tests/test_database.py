"""base/database.py: what the database is asked besides the models' queries."""

import pytest
from django.db import connection

from base.database import analyze
from organizations.models import Organization
from tests.factories import make_organization

pytestmark = pytest.mark.django_db


def test_analyze_leaves_statistics_for_sqlites_planner_too():
    # Without them SQLite took status = 'published' on organization_facets_idx for a few
    # rows, and read every organization for a search's count (24 ms on HORIZON, not 4).
    for n in range(3):
        make_organization(name=f"Organization {n}")
    analyze([Organization])
    if connection.vendor != "sqlite":
        return  # PostgreSQL's ANALYZE, as before: its statistics are its own business
    with connection.cursor() as cursor:
        cursor.execute("SELECT tbl, idx FROM sqlite_stat1")
        analyzed = cursor.fetchall()
    assert ("organizations_organization", "organization_facets_idx") in analyzed
