"""The choices of organizations' fields."""

from django.db import models


class Kind(models.TextChoices):
    NGO = "ngo", "NGO / Association"
    UNIVERSITY = "university", "University"
    RESEARCH = "research", "Research organisation"
    COMPANY = "company", "Company"
    PUBLIC_BODY = "public_body", "Public body"
    OTHER = "other", "Other"


class Sector(models.TextChoices):
    HEALTH = "health", "Health"
    DIGITAL = "digital", "Digital and ICT"
    ENERGY = "energy", "Energy"
    ENVIRONMENT = "environment", "Climate and environment"
    FOOD = "food", "Food and agriculture"
    TRANSPORT = "transport", "Transport and mobility"
    MATERIALS = "materials", "Materials and manufacturing"
    SPACE = "space", "Space"
    SECURITY = "security", "Security"
    SOCIETY = "society", "Society and culture"
    OTHER = "other", "Other"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Curation(models.TextChoices):
    """Where a profile is in the editors' work, apart from whether it is published."""

    IMPORTED = "imported", "Imported"  # nothing written by editors: computed sections only
    DRAFTED = "drafted", "Drafted"  # text drafted from data, not reviewed: hidden from the public
    CURATED = "curated", "Curated"  # an editor reviewed or wrote it
    STALE = "stale", "Stale"  # curated, but the data changed since (new projects, figures)


class CollaborationRole(models.TextChoices):
    COORDINATOR = "coordinator", "Coordinator"
    CORE_PARTNER = "core_partner", "Core partner"
    SPECIALIST_CONTRIBUTOR = "specialist_contributor", "Specialist contributor"
    OCCASIONAL_PARTICIPANT = "occasional_participant", "Occasional participant"


class Reach(models.TextChoices):
    REGIONAL = "regional", "Regional"
    NATIONAL = "national", "National"
    EUROPEAN = "european", "European"
    GLOBAL = "global", "Global"


class FiguresSource(models.TextChoices):
    COMPUTED = "computed", "Computed from participations"
    EDITORS = "editors", "Entered by the editors"
