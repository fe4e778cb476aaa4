import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from base.database import require_migrated
from portal.roles import make_editor


class Command(BaseCommand):
    help = (
        "Create (or promote) an editor: a staff account that curates profiles, projects and "
        "keywords in the admin, without access to users and groups."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--noinput",
            action="store_true",
            help="Read the password from the EDITOR_PASSWORD environment variable.",
        )

    def handle(self, *args, username, email, noinput, **options):
        require_migrated()
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        created = user is None
        if created:
            user = User(username=username, email=email)
        # Ask for (and validate) the password before saving anything: a refused password
        # must not leave an account behind that a later run would promote without one.
        if created or noinput:
            user.set_password(self._password(user, noinput))
        with transaction.atomic():
            user.save()
            make_editor(user)
        verb = "Created" if created else "Made"
        self.stdout.write(self.style.SUCCESS(f"{verb} editor {username}."))

    def _password(self, user, noinput):
        if noinput:
            password = os.environ.get("EDITOR_PASSWORD")
            if not password:
                raise CommandError("Set EDITOR_PASSWORD when using --noinput.")
        else:
            try:
                password = getpass.getpass("Password: ")
                again = getpass.getpass("Password (again): ")
            except EOFError:  # no terminal to ask on, and nothing typed (a script, cron)
                raise CommandError(
                    "No password was typed (is there a terminal?): set EDITOR_PASSWORD and "
                    "use --noinput."
                ) from None
            if password != again:
                raise CommandError("The two passwords differ.")
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        return password
