"""The projects of a keyword, read from the index alone.

Django's index on the keyword-project table's keyword_id finds a keyword's rows, but their
project_id then comes from the table, ~70 scattered pages per keyword. With (keyword_id,
project_id) these reads are index-only scans. The table is Django's own (Project.keywords),
which takes no Meta.indexes, so plain SQL on every database.
"""

from django.db import migrations

INDEX = "project_keywords_keyword_idx"


class Migration(migrations.Migration):
    dependencies = [("projects", "0002_participation_fk_indexes")]

    operations = [
        # Keyword.objects.with_counts() (the keywords list and the keyword page: projects and
        # organizations per keyword) and the organizations page's keyword filter
        # (OrganizationFilterSet.with_keyword): the projects of a keyword.
        migrations.RunSQL(
            f"CREATE INDEX {INDEX} ON projects_project_keywords (keyword_id, project_id)",
            f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
