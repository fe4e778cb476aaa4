from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from base.caching import bump_generation
from base.database import analyze, require_migrated
from organizations.chunks import recount_in_rounds
from organizations.curation import tracking_figures
from organizations.models import (
    ComputedProfile,
    FiguresSource,
    Organization,
    OrganizationSubject,
    SearchEvidence,
)
from organizations.search.evidence import refresh_search
from organizations.sections.stored import store_sections
from organizations.stats import refresh_figures
from organizations.subjects import store_subjects


class Command(BaseCommand):
    help = (
        "Recompute organizations' headline figures (projects, as coordinator, EC funding, "
        "partners, countries) and their profiles' computed sections from their participations."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Only these organizations (default: all).")
        parser.add_argument(
            "--include-edited",
            action="store_true",
            help="Also replace figures that the editors entered by hand.",
        )

    def handle(self, *args, slugs, include_edited, **options):
        require_migrated()
        organizations = Organization.objects.all()
        if slugs:
            organizations = organizations.filter(slug__in=slugs)
            missing = sorted(set(slugs) - set(organizations.values_list("slug", flat=True)))
            if missing:
                raise CommandError(f"No organization with the slug: {', '.join(missing)}")
        with transaction.atomic():
            # Curated profiles whose figures change become stale.
            with tracking_figures(organizations):
                count = refresh_figures(organizations, keep_edited=not include_edited)
                pks = list(organizations.values_list("pk", flat=True))
                sections = recount_in_rounds([(store_sections, pks), (store_subjects, pks)])
            refresh_search(organizations.values_list("pk", flat=True))
            bump_generation()  # set-wise writes send no signals
            if not slugs:  # every organization's written again: plan with new statistics
                analyze([SearchEvidence, OrganizationSubject, ComputedProfile])
        skipped = 0
        if not include_edited:
            skipped = organizations.filter(figures_source=FiguresSource.EDITORS).count()
        message = (
            f"Refreshed the figures of {count} organization(s) and the computed sections of "
            f"{sections}."
        )
        if skipped:
            message += (
                f" Left {skipped} with figures entered by the editors alone "
                "(--include-edited replaces them)."
            )
        self.stdout.write(self.style.SUCCESS(message))
