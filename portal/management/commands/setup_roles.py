from django.core.management.base import BaseCommand

from portal.roles import EDITORS_GROUP, ensure_editors_group


class Command(BaseCommand):
    help = "Create the Editors group, or reset its permissions to exactly the editor's."

    def handle(self, *args, **options):
        group = ensure_editors_group()
        self.stdout.write(
            self.style.SUCCESS(
                f"{EDITORS_GROUP}: {group.permissions.count()} permissions "
                "(profiles, expertise, notes, capabilities, keywords, project texts, highlights)."
            )
        )
