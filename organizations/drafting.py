"""First drafts of a profile's empty sections, from its imported project data.

Editors run this from the admin and then review and rewrite. It only fills what is empty:
no editor text is ever overwritten. Everything here is deterministic (ties are broken by
name), so the same data always gives the same draft.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

from organizations.models import (
    AnalysisNote,
    CollaborationRole,
    ExpertiseArea,
    Organization,
    Reach,
)

# Europe for the purpose of "reach": the EU, the EEA, Switzerland, the UK and the other
# European countries associated to Horizon 2020.
EUROPE = {
    *("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE"),
    *("IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"),
    *("IS", "LI", "NO", "CH", "GB", "AL", "BA", "ME", "MK", "RS", "MD", "UA", "FO", "TR"),
}
# A partnership counts as global when at least this share of partners is outside Europe.
GLOBAL_SHARE = 0.2
# Evidence is thin below this many projects.
THIN_EVIDENCE_PROJECTS = 3
EXPERTISE_CANDIDATES = 5


@dataclass
class Draft:
    """What the draft filled in, for the admin's message."""

    organization: Organization
    filled: list = field(default_factory=list)

    def __str__(self):
        if not self.filled:
            return f"{self.organization}: nothing to draft (sections already written, or no data)."
        return f"{self.organization}: drafted {', '.join(self.filled)}."


def project_family(acronym):
    """Projects of one family share the first word of their acronym (HARMONY, HARMONY PLUS)."""
    words = acronym.replace("-", " ").split()
    return words[0].upper() if words else acronym.upper()


def _projects_of(organization):
    participations = (
        organization.participations.select_related("project")
        .prefetch_related("project__keywords")
        .order_by("project__start_date", "project__acronym")
    )
    return [p.project for p in participations]


def _keyword_counts(projects):
    counts = Counter()
    projects_by_keyword = {}
    for project in projects:
        for keyword in project.keywords.all():
            counts[keyword.name] += 1
            projects_by_keyword.setdefault(keyword.name, []).append(project)
    # Most frequent first, then alphabetical: deterministic.
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0].lower()))
    return ranked, projects_by_keyword


def _focus(project):
    names = sorted(keyword.name for keyword in project.keywords.all())
    year = f", {project.start_date.year}" if project.start_date else ""
    if names:
        return f"{', '.join(names[:4])} ({project.acronym}{year})"[:200]
    return f"{project.acronym}{year}: {project.title}"[:200]


def suggested_role(project_count, coordinator_count):
    if project_count == 0:
        return ""
    if coordinator_count / project_count >= 0.5:
        return CollaborationRole.COORDINATOR
    if coordinator_count > 0:
        return CollaborationRole.CORE_PARTNER
    if project_count == 1:
        return CollaborationRole.OCCASIONAL_PARTICIPANT
    return CollaborationRole.SPECIALIST_CONTRIBUTOR


def suggested_reach(own_country, partner_countries):
    """partner_countries: one ISO code per partner (repeated codes count each partner)."""
    if not partner_countries:
        return ""
    if set(partner_countries) <= {own_country}:
        return Reach.NATIONAL
    outside = sum(1 for code in partner_countries if code not in EUROPE)
    if outside / len(partner_countries) >= GLOBAL_SHARE:
        return Reach.GLOBAL
    return Reach.EUROPEAN


def _partner_countries(organization):
    partners = (
        Organization.objects.filter(
            participations__project__participations__organization=organization
        )
        .exclude(pk=organization.pk)
        .exclude(country="")
        .values_list("pk", "country")
        .distinct()
    )
    return [str(code) for _pk, code in partners]


def _thin_evidence_reason(projects):
    reasons = []
    if len(projects) < THIN_EVIDENCE_PROJECTS:
        reasons.append(
            f"it rests on only {len(projects)} project{'s' if len(projects) != 1 else ''}"
        )
    families = {project_family(project.acronym) for project in projects}
    if len(projects) > 1 and len(families) == 1:
        reasons.append(f"all of them belong to one family of projects ({families.pop()})")
    return " and ".join(reasons)


@transaction.atomic
def draft_from_data(organization):
    """Fill the empty sections of `organization` from its projects; return a Draft."""
    draft = Draft(organization)
    projects = _projects_of(organization)
    if not projects:
        return draft
    changed = []

    if not organization.expertise_areas.exists():
        ranked, projects_by_keyword = _keyword_counts(projects)
        for order, (name, count) in enumerate(ranked[:EXPERTISE_CANDIDATES], start=1):
            shown = projects_by_keyword[name]
            area = ExpertiseArea.objects.create(
                organization=organization,
                name=name[:1].upper() + name[1:],
                level=ExpertiseArea.Level.PRIMARY if count >= 2 else ExpertiseArea.Level.EMERGING,
                evidence=f"Keyword of {count} of its {len(projects)} projects: "
                + ", ".join(p.acronym for p in shown)
                + ".",
                order=order,
            )
            area.projects.set(shown)
        if ranked:
            draft.filled.append(f"{min(len(ranked), EXPERTISE_CANDIDATES)} expertise candidates")

    if not organization.early_focus:
        organization.early_focus = _focus(projects[0])
        changed.append("early_focus")
    if not organization.recent_focus and len(projects) > 1:
        organization.recent_focus = _focus(projects[-1])
        changed.append("recent_focus")

    coordinated = sum(1 for p in organization.participations.all() if p.is_coordinator)
    if not organization.collaboration_role:
        organization.collaboration_role = suggested_role(len(projects), coordinated)
        changed.append("collaboration_role")

    countries = _partner_countries(organization)
    if not organization.reach and countries:
        organization.reach = suggested_reach(str(organization.country), countries)
        changed.append("reach")
    if not organization.network_narrative and countries:
        distinct = sorted(set(countries))
        organization.network_narrative = (
            f"{len(countries)} partner organizations in {len(distinct)} "
            f"countr{'y' if len(distinct) == 1 else 'ies'} ({', '.join(distinct)}), "
            f"across {len(projects)} project{'s' if len(projects) != 1 else ''}."
        )
        changed.append("network_narrative")

    reason = _thin_evidence_reason(projects)
    has_note = organization.analysis_notes.filter(
        kind=AnalysisNote.NoteKind.DATA_CONFIDENCE
    ).exists()
    if reason and not has_note:
        organization.analysis_notes.create(
            kind=AnalysisNote.NoteKind.DATA_CONFIDENCE,
            body=f"Thin evidence: {reason}, so this profile says little about the "
            "organization's range. Check it against other sources before relying on it.",
        )
        draft.filled.append("an analysis note on thin evidence")

    if changed:
        organization.save()
        draft.filled.extend(organization._meta.get_field(name).verbose_name for name in changed)
    return draft
