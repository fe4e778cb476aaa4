"""The organizations list's indexes, known to Django from now on.

0005_search created organization_name_idx and organization_facets_idx with raw SQL, which
Django's state did not hold: on SQLite, every later migration that rebuilt the organizations
table (SQLite alters a table by copying it) dropped them, so the list's facets and its
default order read the whole table. Declared in Organization.Meta.indexes they survive a
rebuild. The facets index gains `sme` and `id`, which the facet counts read too (the
results are "id IN (...)"): it answers them alone.
"""

from django.db import migrations, models

FACETS = "organizations_organization (status, country, kind, sector, sme, id)"


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0013_search_evidence"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                # Present on PostgreSQL (0005), dropped on SQLite by a table rebuild.
                migrations.RunSQL(
                    "CREATE INDEX IF NOT EXISTS organization_name_idx"
                    " ON organizations_organization (name, id)",
                    migrations.RunSQL.noop,
                ),
                migrations.RunSQL(
                    [
                        "DROP INDEX IF EXISTS organization_facets_idx",
                        f"CREATE INDEX organization_facets_idx ON {FACETS}",
                    ],
                    [
                        "DROP INDEX IF EXISTS organization_facets_idx",
                        "CREATE INDEX organization_facets_idx"
                        " ON organizations_organization (status, country, kind, sector)",
                    ],
                ),
            ],
            state_operations=[
                migrations.AddIndex(
                    model_name="organization",
                    index=models.Index(fields=["name", "id"], name="organization_name_idx"),
                ),
                migrations.AddIndex(
                    model_name="organization",
                    index=models.Index(
                        fields=["status", "country", "kind", "sector", "sme", "id"],
                        name="organization_facets_idx",
                    ),
                ),
            ],
        ),
    ]
