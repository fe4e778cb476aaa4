"""Text fields store "\n" line endings (browsers send "\r\n" from a textarea): the fields
become NormalizedTextField (nothing changes in the database), and the rows written before
have their "\r\n" and lone "\r" replaced by "\n".
"""

import base.fields
from django.db import migrations
from django.db.models import F, Value
from django.db.models.functions import Replace

TEXT_FIELDS = {"Project": ["objective"], "Participation": ["highlight"]}


def normalize_newlines(apps, schema_editor):
    for model_name, fields in TEXT_FIELDS.items():
        model = apps.get_model("projects", model_name)
        for name in fields:
            rows = model.objects.filter(**{f"{name}__contains": "\r"})
            rows.update(**{name: Replace(Replace(F(name), Value("\r\n"), Value("\n")), Value("\r"), Value("\n"))})


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0003_keyword_projects_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='participation',
            name='highlight',
            field=base.fields.NormalizedTextField(blank=True, help_text='For notable projects: a sentence on why this project matters for them. Markdown allowed.'),
        ),
        migrations.AlterField(
            model_name='project',
            name='objective',
            field=base.fields.NormalizedTextField(blank=True),
        ),
        migrations.RunPython(normalize_newlines, migrations.RunPython.noop),
    ]
