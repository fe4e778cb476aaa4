"""The organizations app's models, a module per subject; import them from here."""

import reversion

from organizations.models.bulk_draft import BulkDraft
from organizations.models.choices import (
    CollaborationRole,
    Curation,
    FiguresSource,
    Kind,
    Reach,
    Sector,
    Status,
)
from organizations.models.narrative import AnalysisNote, Capability, ExpertiseArea
from organizations.models.organization import (
    ORGANIZATION_IMPORTED_FIELDS,
    PROFILE_PROJECTS,
    Organization,
)
from organizations.models.querysets import (
    CARD_FIELDS,
    OrganizationQuerySet,
    editors_lists,
    sees_drafted_text,
    sees_drafts,
)
from organizations.models.stored import (
    ComputedProfile,
    OrganizationSubject,
    SearchEvidence,
    SubjectKind,
)

__all__ = [
    "AnalysisNote",
    "BulkDraft",
    "CARD_FIELDS",
    "Capability",
    "CollaborationRole",
    "ComputedProfile",
    "Curation",
    "ExpertiseArea",
    "FiguresSource",
    "Kind",
    "ORGANIZATION_IMPORTED_FIELDS",
    "Organization",
    "OrganizationQuerySet",
    "OrganizationSubject",
    "PROFILE_PROJECTS",
    "Reach",
    "SearchEvidence",
    "Sector",
    "Status",
    "SubjectKind",
    "editors_lists",
    "sees_drafted_text",
    "sees_drafts",
]

# History (django-reversion): a profile's version holds its expertise areas and notes, so
# restoring it restores them too. Participations are not followed: a restore must never
# delete imported data.
reversion.register(ExpertiseArea)
reversion.register(AnalysisNote)
reversion.register(Organization, follow=["expertise_areas", "analysis_notes"])
