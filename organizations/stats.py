"""Headline figures of organizations, computed from their participations.

The figures are stored on Organization so that lists can sort and filter on them cheaply;
these functions are the one place that computes them. They work set-wise: refresh_figures is
one UPDATE statement whatever the number of organizations.

Why SQL rather than the ORM: Django can only write aggregates per row as correlated
subqueries (28 s for the 45,000 organizations of H2020, the partner subqueries re-joining
participations for each organization), and bulk_update builds a CASE expression per row and
field in Python (minutes). Grouping once and writing with UPDATE ... FROM takes about 10 s
on PostgreSQL. The SQL is plain enough for PostgreSQL and SQLite (3.33 or later) alike.
"""

from django.apps import apps
from django.db import connection
from django.utils import timezone

from organizations.models import FiguresSource, Organization

# What the figures are computed from, besides who takes part in which project: a change to
# any other field (a project's title or dates, a participation's order) changes no figure.
# An organization's own participations give its counts and funding; its partners' countries,
# its partner countries.
PARTICIPATION_FIELDS_IN_FIGURES = frozenset({"role", "ec_contribution"})
ORGANIZATION_FIELDS_IN_FIGURES = frozenset({"country"})  # of the organization's partners

# The columns of the figures query, after the organization id.
COMPUTED = [
    "project_count",
    "coordinator_count",
    "total_ec_funding",
    "partner_count",
    "partner_country_count",
    "funded_project_count",
]
# The figures counted from the organization's own participations, not its partners'.
OWN_FIGURES = ["project_count", "coordinator_count", "total_ec_funding", "funded_project_count"]


def _figures_sql(organizations, *, partners=True):
    """A query of (id, the figures) for a queryset of organizations, and its parameters:
    COMPUTED, or OWN_FIGURES without `partners` (the partner pairs are most of its cost).
    Organizations without participations get zeros."""
    chosen, params = organizations.order_by().values("pk").query.sql_with_params()
    participation = connection.ops.quote_name(
        apps.get_model("projects", "Participation")._meta.db_table
    )
    organization = connection.ops.quote_name(Organization._meta.db_table)
    # SQLite before 3.35 does not know the word; it plans CTEs its own way anyway.
    materialized = "MATERIALIZED" if connection.vendor == "postgresql" else ""
    partner_figures = f"""
        -- Everyone in the chosen organizations' projects, with their country. Materialized
        -- on PostgreSQL, so that the partner pairs below come from joining two scans of it
        -- rather than from an index lookup per participation: 2.4 s instead of 4.5 s for
        -- the 3.5 million pairs of H2020's size.
        members AS {materialized} (
            SELECT member.project_id, member.organization_id, organization.country
              FROM {participation} AS member
              JOIN {organization} AS organization ON organization.id = member.organization_id
             WHERE member.project_id IN (
                   SELECT project_id FROM {participation}
                    WHERE organization_id IN (SELECT id FROM chosen))
        ),
        -- Partners: the other organizations in the same projects, counted once however many
        -- projects they share; and the countries they are in.
        partners AS (
            SELECT mine.organization_id,
                   COUNT(DISTINCT theirs.organization_id) AS partners,
                   COUNT(DISTINCT theirs.country) FILTER (WHERE theirs.country <> '')
                       AS countries
              FROM members AS mine
              JOIN members AS theirs
                ON theirs.project_id = mine.project_id
               AND theirs.organization_id <> mine.organization_id
             WHERE mine.organization_id IN (SELECT id FROM chosen)
             GROUP BY mine.organization_id
        ),"""
    partner_columns = """
                   COALESCE(partners.partners, 0) AS partner_count,
                   COALESCE(partners.countries, 0) AS partner_country_count,"""
    partner_join = "LEFT JOIN partners ON partners.organization_id = chosen.id"
    if not partners:
        partner_figures = partner_columns = partner_join = ""
    sql = f"""
        WITH chosen (id) AS ({chosen}),
        own AS (
            SELECT organization_id,
                   COUNT(DISTINCT project_id) AS projects,
                   COUNT(DISTINCT project_id) FILTER (WHERE role = 'coordinator') AS coordinated,
                   SUM(ec_contribution) AS funding,
                   -- The projects the funding is summed over: CORDIS does not publish
                   -- every contribution.
                   COUNT(DISTINCT project_id) FILTER (WHERE ec_contribution IS NOT NULL)
                       AS funded
              FROM {participation}
             WHERE organization_id IN (SELECT id FROM chosen)
             GROUP BY organization_id
        ),{partner_figures}
        figures AS (
            SELECT chosen.id,
                   COALESCE(own.projects, 0) AS project_count,
                   COALESCE(own.coordinated, 0) AS coordinator_count,
                   COALESCE(own.funding, 0) AS total_ec_funding,{partner_columns}
                   COALESCE(own.funded, 0) AS funded_project_count
              FROM chosen
              LEFT JOIN own ON own.organization_id = chosen.id
              {partner_join}
        )
        SELECT id, {", ".join(COMPUTED if partners else OWN_FIGURES)} FROM figures
    """
    return sql, list(params)


def refresh_figures(organizations, *, keep_edited=True, partners=True):
    """Recompute and store the figures of `organizations` (a queryset).

    With keep_edited, organizations whose figures the editors entered by hand are left alone;
    an import passes keep_edited=False because it has just brought the data the figures come
    from. Without `partners`, only OWN_FIGURES: for the import, where only the organizations'
    own participations changed (a role, a contribution). Returns the number of organizations
    updated: one statement, however many.
    """
    if keep_edited:
        organizations = organizations.exclude(figures_source=FiguresSource.EDITORS)
    sql, params = _figures_sql(organizations, partners=partners)
    table = connection.ops.quote_name(Organization._meta.db_table)
    computed = COMPUTED if partners else OWN_FIGURES
    assignments = ", ".join(f"{name} = figures.{name}" for name in computed)
    with connection.cursor() as cursor:
        # The statement starts with UPDATE (not WITH) so that SQLite reports the rows updated.
        cursor.execute(
            f"UPDATE {table} SET {assignments}, figures_source = %s, figures_computed_at = %s "
            f"FROM ({sql}) AS figures WHERE {table}.id = figures.id",
            [FiguresSource.COMPUTED.value, timezone.now(), *params],
        )
        return cursor.rowcount
