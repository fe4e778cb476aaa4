from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.backups import BackupError, backup, default_path


class Command(BaseCommand):
    help = (
        "Back the database up to one file: pg_dump's custom format on PostgreSQL, a copy "
        "through the sqlite3 backup API on SQLite. Restore it with `manage.py restore FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", help="Where to write it (default: backups/portal-TIME.dump)."
        )

    def handle(self, *args, file, **options):
        path = Path(file) if file else default_path(Path(settings.BASE_DIR) / "backups")
        try:
            backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        size = path.stat().st_size / 1e6
        self.stdout.write(self.style.SUCCESS(f"Backed up to {path} ({size:,.1f} MB)."))
