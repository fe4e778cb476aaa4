"""Text fields store "\n" line endings (browsers send "\r\n" from a textarea): the fields
become NormalizedTextField (nothing changes in the database), and the rows written before
have their "\r\n" and lone "\r" replaced by "\n". So do the saved versions of profiles
(django-reversion), so that Compare shows no difference where nobody made one.
"""

import json

import base.fields
from django.db import migrations
from django.db.models import F, Value
from django.db.models.functions import Replace

TEXT_FIELDS = {
    "Organization": [
        "core_work",
        "trajectory",
        "trajectory_summary",
        "collaboration_narrative",
        "network_narrative",
        "why_partner",
    ],
    "ExpertiseArea": ["evidence"],
    "AnalysisNote": ["body"],
}


def _normalized(text):
    return text.replace("\r\n", "\n").replace("\r", "\n")


def normalize_newlines(apps, schema_editor):
    for model_name, fields in TEXT_FIELDS.items():
        model = apps.get_model("organizations", model_name)
        for name in fields:
            rows = model.objects.filter(**{f"{name}__contains": "\r"})
            rows.update(**{name: Replace(Replace(F(name), Value("\r\n"), Value("\n")), Value("\r"), Value("\n"))})
    # Versions hold JSON; a "\r" in a field's text is written there as the two characters \r.
    Version = apps.get_model("reversion", "Version")
    for version in Version.objects.filter(format="json", serialized_data__contains="\\r"):
        objects = json.loads(version.serialized_data)
        for obj in objects:
            obj["fields"] = {
                name: _normalized(value) if isinstance(value, str) else value
                for name, value in obj["fields"].items()
            }
        version.serialized_data = json.dumps(objects)
        version.save(update_fields=["serialized_data"])


class Migration(migrations.Migration):

    dependencies = [
        ('organizations', '0006_bulk_import'),
        ('reversion', '0002_add_index_on_version_for_content_type_and_db'),
    ]

    operations = [
        migrations.AlterField(
            model_name='analysisnote',
            name='body',
            field=base.fields.NormalizedTextField(help_text='What a reader should keep in mind about this profile, e.g. how thin the evidence is. Markdown allowed.'),
        ),
        migrations.AlterField(
            model_name='expertisearea',
            name='evidence',
            field=base.fields.NormalizedTextField(blank=True, help_text='A sentence or two on the projects or keywords that show it.'),
        ),
        migrations.AlterField(
            model_name='organization',
            name='collaboration_narrative',
            field=base.fields.NormalizedTextField(blank=True, help_text='How they work in consortia, and what that means for a future partner. Markdown allowed.'),
        ),
        migrations.AlterField(
            model_name='organization',
            name='core_work',
            field=base.fields.NormalizedTextField(blank=True, help_text='Their core work in a paragraph or two: what they contribute to research. Markdown allowed.', verbose_name='what they do'),
        ),
        migrations.AlterField(
            model_name='organization',
            name='network_narrative',
            field=base.fields.NormalizedTextField(blank=True, help_text='Who their partners are and where: the shape of their network. Markdown allowed.'),
        ),
        migrations.AlterField(
            model_name='organization',
            name='trajectory',
            field=base.fields.NormalizedTextField(blank=True, help_text='How their focus has shifted over time, with the projects that show it. Markdown allowed.', verbose_name='evolution and trajectory'),
        ),
        migrations.AlterField(
            model_name='organization',
            name='trajectory_summary',
            field=base.fields.NormalizedTextField(blank=True, help_text='One or two sentences: where they are heading and who should care. Markdown allowed.'),
        ),
        migrations.AlterField(
            model_name='organization',
            name='why_partner',
            field=base.fields.NormalizedTextField(blank=True, help_text='What sets them apart: why a consortium would want them. Markdown allowed.', verbose_name='why partner with them'),
        ),
        migrations.RunPython(normalize_newlines, migrations.RunPython.noop),
    ]
