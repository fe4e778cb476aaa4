import reversion
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from organizations.models import AnalysisNote, Capability, Organization
from portal import demo
from projects.models import Keyword, Participation, Project


class Command(BaseCommand):
    help = (
        "Load the demo content: the reference profile (GPOH) with its projects. Safe to run "
        "again: what exists already, possibly edited since, is left as it is."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        projects = {spec["cordis_id"]: self._project(spec) for spec in demo.PROJECTS}
        existing = Q(slug=demo.GPOH["slug"]) | Q(pic=demo.GPOH["pic"])
        if Organization.objects.filter(existing).exists():
            self.stdout.write("The demo profile is already there; left it as it is.")
            return
        # The first version in the profile's history, so that editors can always go back to it.
        with reversion.create_revision():
            reversion.set_comment("Loaded the demo content.")
            gpoh = self._gpoh(projects)
        self.stdout.write(
            self.style.SUCCESS(f"Loaded the demo profile at {gpoh.get_absolute_url()}")
        )

    def _gpoh(self, projects):
        gpoh = Organization.objects.create(**demo.GPOH)
        gpoh.capabilities.set(
            Capability.objects.get_or_create(name=name, defaults={"slug": slugify(name)})[0]
            for name in demo.CAPABILITIES
        )
        for order, spec in enumerate(demo.EXPERTISE, start=1):
            spec = dict(spec)
            cordis_ids = spec.pop("projects")
            area = gpoh.expertise_areas.create(order=order, **spec)
            area.projects.set(projects[cordis_id] for cordis_id in cordis_ids)
        for spec in demo.PROJECTS:
            Participation.objects.update_or_create(
                project=projects[spec["cordis_id"]], organization=gpoh, defaults=spec["gpoh"]
            )
        gpoh.analysis_notes.create(
            kind=AnalysisNote.NoteKind.DATA_CONFIDENCE, body=demo.ANALYSIS_NOTE
        )
        return gpoh

    def _project(self, spec):
        fields = {k: v for k, v in spec.items() if k not in ("cordis_id", "keywords", "gpoh")}
        project, created = Project.objects.get_or_create(
            cordis_id=spec["cordis_id"], defaults=fields
        )
        if created:
            project.keywords.set(self._keyword(name) for name in spec["keywords"])
        return project

    def _keyword(self, name):
        keyword = Keyword.objects.filter(name__iexact=name).first()
        return keyword or Keyword.objects.create(name=name, slug=slugify(name))
