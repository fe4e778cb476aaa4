"""First drafts of a profile's empty sections, from its imported project data.

Editors run this from the admin and then review and rewrite. It only fills what is empty:
no editor text is ever overwritten. The draft reads what the profile's computed sections
read (organizations/sections.py): the projects' fields of science, call topics, programme
parts, years, roles and partners, with the projects' keywords and titles where CORDIS gives
nothing else (older dumps). Everything is deterministic (ties are broken by name), so the
same data always gives the same draft.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import Truncator

from organizations.curation import mark_drafted
from organizations.models import (
    AnalysisNote,
    CollaborationRole,
    ExpertiseArea,
    Organization,
    Reach,
)
from organizations.sections import live_sections

# Europe for the purpose of "reach": the EU, the EEA, Switzerland, the UK and the other
# European countries associated to Horizon 2020 and Horizon Europe.
EUROPE = {
    *("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE"),
    *("IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"),
    *("IS", "LI", "NO", "CH", "GB", "AL", "BA", "ME", "MK", "RS", "MD", "UA", "FO", "TR"),
    "XK",
}
# A partnership counts as global when at least this share of partners is outside Europe.
GLOBAL_SHARE = 0.2
# Evidence is thin below this many projects.
THIN_EVIDENCE_PROJECTS = 3
EXPERTISE_CANDIDATES = 5
# Projects named in an expertise area's evidence; the rest are counted.
EVIDENCE_NAMED = 4
# Countries named in the collaboration sentence.
COUNTRIES_NAMED = 3
# Words of a call topic's title kept in a focus phrase.
TOPIC_WORDS = 10


@dataclass
class Draft:
    """What the draft filled in, for the admin's message."""

    organization: Organization
    filled: list = field(default_factory=list)

    def __str__(self):
        if not self.filled:
            return f"{self.organization}: nothing to draft (sections already written, or no data)."
        return f"{self.organization}: drafted {', '.join(self.filled)}."


@dataclass
class ProjectFacts:
    acronym: str
    title: str
    year: int | None
    keywords: list
    fields: list  # titles of its fields of science, at the depth the profile shows
    topics: list  # titles of its call topics


def project_family(acronym):
    """Projects of one family share the first word of their acronym (HARMONY, HARMONY PLUS)."""
    words = acronym.replace("-", " ").split()
    return words[0].upper() if words else acronym.upper()


def _projects_of(organization, sections):
    """{project id: ProjectFacts}, oldest first (then by acronym); two queries."""
    from projects.models import Project

    projects = (
        Project.objects.filter(participations__organization=organization)
        .only("acronym", "title", "start_date")
        .prefetch_related("keywords")
    )
    facts = {
        project.pk: ProjectFacts(
            acronym=project.acronym,
            title=project.title,
            year=sections.years.get(project.pk),
            keywords=sorted(keyword.name for keyword in project.keywords.all()),
            fields=sections.project_fields.get(project.pk, []),
            topics=[title for _, title in sorted(sections.project_topics.get(project.pk, []))],
        )
        for project in projects
    }
    oldest_first = sorted(facts.items(), key=lambda item: (item[1].year or 9999, item[1].acronym))
    return dict(oldest_first)


def _and(words):
    """ "a", "a and b", "a, b and c"."""
    words = list(words)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _plural(n, word, plural=None):
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


def _share(some, total):
    """ "3 of its 12 projects", "its only project", "both its projects"."""
    if total == 1:
        return "its only project"
    if some == total:
        return f"all {total:,} of its projects" if total > 2 else "both its projects"
    return f"{some:,} of its {total:,} projects"


def _acronyms(projects, ids):
    """ "ALPHA, BETA, GAMMA, DELTA and 8 more": the first EVIDENCE_NAMED, by acronym."""
    names = sorted(projects[pk].acronym for pk in ids)
    if len(names) <= EVIDENCE_NAMED:
        return _and(names)
    return f"{', '.join(names[:EVIDENCE_NAMED])} and {len(names) - EVIDENCE_NAMED} more"


def _years(projects, ids):
    years = sorted(projects[pk].year for pk in ids if projects[pk].year)
    if not years:
        return ""
    return f" ({years[0]})" if years[0] == years[-1] else f" ({years[0]}–{years[-1]})"


# Expertise --------------------------------------------------------------------------------


def _candidates(sections, projects):
    """[(name, project ids, what they are)], the best first: its fields of science, or the
    keywords of its projects where CORDIS gives no field."""
    if sections.fields:
        return [
            (item.label, _in_field(sections, item.label), "Field of science")
            for item in sections.fields[:EXPERTISE_CANDIDATES]
        ]
    by_keyword = {}
    for pk, facts in projects.items():
        for name in facts.keywords:
            by_keyword.setdefault(name, set()).add(pk)
    ranked = sorted(by_keyword.items(), key=lambda item: (-len(item[1]), item[0].lower()))
    return [(name, ids, "Keyword") for name, ids in ranked[:EXPERTISE_CANDIDATES]]


def _in_field(sections, title):
    """The ids of its projects with the field of science `title` (at the depth shown)."""
    return {pk for pk, titles in sections.project_fields.items() if title in titles}


def _level(ids, top, projects, latest_year):
    """Primary: in two projects or more, and at least half as many as its first candidate;
    emerging: one project, or only in its last two years while it has older projects."""
    years = {projects[pk].year for pk in ids} - {None}
    dated = {facts.year for facts in projects.values()} - {None}
    recent = latest_year is not None and years and min(years) >= latest_year - 1
    if len(ids) < 2 or (recent and min(dated) < latest_year - 1):
        return ExpertiseArea.Level.EMERGING
    if len(ids) * 2 >= top:
        return ExpertiseArea.Level.PRIMARY
    return ExpertiseArea.Level.SECONDARY


def _draft_expertise(organization, sections, projects):
    candidates = _candidates(sections, projects)
    if not candidates:
        return 0
    top = len(candidates[0][1])
    latest_year = max((facts.year for facts in projects.values() if facts.year), default=None)
    for order, (name, ids, what) in enumerate(candidates, start=1):
        area = ExpertiseArea.objects.create(
            organization=organization,
            name=name[:1].upper() + name[1:],
            level=_level(ids, top, projects, latest_year),
            evidence=f"{what} of {_share(len(ids), len(projects))}: "
            f"{_acronyms(projects, ids)}{_years(projects, ids)}.",
            order=order,
        )
        area.projects.set(ids)
    return len(candidates)


# Focus and trajectory ----------------------------------------------------------------------


def focus(projects, ids):
    """A short phrase for what the projects `ids` are about: their most frequent fields of
    science, else their topics, else their keywords; with the year, and the project when it
    is one. A project CORDIS says nothing about is named with the start of its title."""
    ids = list(ids)
    fields = Counter(title for pk in ids for title in projects[pk].fields)
    # Topic titles run to a sentence or two: their first words.
    topics = Counter(Truncator(t).words(TOPIC_WORDS) for pk in ids for t in projects[pk].topics)
    keywords = Counter(name for pk in ids for name in projects[pk].keywords)
    for counts, shown in [(fields, 3), (topics, 1), (keywords, 4)]:
        if counts:
            ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0].lower()))
            words = _and(name for name, _ in ranked[:shown])
            break
    else:
        only = projects[ids[0]]
        return f"{only.acronym}{_year(only)}: {Truncator(only.title).words(8)}"[:200]
    words = words[:1].upper() + words[1:]
    if len(ids) == 1:
        only = projects[ids[0]]
        return f"{words} ({only.acronym}{_year(only)})"[:200]
    return f"{words}{_years(projects, ids)}"[:200]


def _year(facts):
    return f", {facts.year}" if facts.year else ""


def _first_and_latest(projects):
    """The projects of its first year and of its latest (undated ones only if none is
    dated): (first ids, latest ids, whether they differ). Projects CORDIS says something
    about (fields, topics or keywords) are preferred to those it gives only a title for."""
    described = {pk: f for pk, f in projects.items() if f.fields or f.topics or f.keywords}
    projects = described or projects
    dated = [pk for pk, facts in projects.items() if facts.year]
    if not dated:
        first = list(projects)[:1]
        return first, list(projects)[-1:], len(projects) > 1
    first_year, latest_year = projects[dated[0]].year, projects[dated[-1]].year
    first = [pk for pk in dated if projects[pk].year == first_year]
    latest = [pk for pk in dated if projects[pk].year == latest_year]
    return first, latest, first_year != latest_year


def trajectory(sections):
    """Where its projects come from (programme parts) and when they started, in sentences."""
    sentences = []
    parts = sections.programme_parts
    with_part = sum(item.count for item in parts)
    if len(parts) == 1:
        if with_part < sections.project_count:
            some = "one project" if with_part == 1 else f"{with_part:,} projects"
            every = f"Its {some} with a programme part in CORDIS "
            every += "comes" if with_part == 1 else "come"
        else:
            every = {1: "Its project comes", 2: "Both its projects come"}.get(
                with_part, f"All {with_part:,} of its projects come"
            )
        sentences.append(f"{every} from {parts[0].label}.")
    elif parts:
        first, second = parts[:2]
        named = f"{first.label}, with {first.count:,}, and {second.label}, with {second.count:,}"
        if first.count + second.count > with_part / 2 and first.count > 1:
            which = " with a programme part" if with_part < sections.project_count else ""
            sentences.append(f"Most of its projects{which} come from {named}.")
        else:
            sentences.append(
                f"Its projects come from {len(parts)} programme parts, among them {named}."
            )
    years = [year for year in sections.activity.years if year.projects]
    if len(years) > 1:
        text = f"Its projects in CORDIS started between {years[0].year} and {years[-1].year}"
        counts = sorted((year.projects for year in years), reverse=True)
        if counts[0] > 1 and counts[0] > counts[1]:
            busiest = max(years, key=lambda year: year.projects)
            text += f", the most in {busiest.year} ({busiest.projects:,})"
        sentences.append(text + ".")
    return " ".join(sentences)


# Collaboration -----------------------------------------------------------------------------


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


def _partner_country_codes(organization):
    """One ISO code per partner (with a country): what suggested_reach weighs."""
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


def network_narrative(sections):
    """ "Across its 12 projects it has worked with 57 partner organizations in 12 countries,
    most often from Germany (14), France (9) and Italy (7). It coordinated 2 of the 12
    (17%)." """
    countries = sections.partner_countries
    if not countries:
        return ""
    if len(countries) == 1:
        where = f"all of them from {countries[0].label}"
    elif countries[0].count > 1:
        often = [item for item in countries[:COUNTRIES_NAMED] if item.count > 1]
        where = f"most often from {_and(f'{item.label} ({item.count:,})' for item in often)}"
    else:
        where = f"among them {_and(item.label for item in countries[:COUNTRIES_NAMED])}"
    partners = _plural(sections.partners_with_country, "partner organization")
    countries_text = _plural(len(countries), "country", "countries")
    if sections.project_count == 1:
        text = f"In its only project it worked with {partners} in {countries_text}, {where}."
        return text + (" It coordinated it." if sections.coordinated else "")
    text = (
        f"Across its {sections.project_count:,} projects it has worked with {partners} in "
        f"{countries_text}, {where}."
    )
    if sections.coordinated:
        text += (
            f" It coordinated {sections.coordinated:,} of the {sections.project_count:,} "
            f"({sections.coordinated_percent})."
        )
    else:
        text += " It coordinated none of them: it takes part as a partner."
    return text


def _thin_evidence_reason(projects):
    reasons = []
    if len(projects) < THIN_EVIDENCE_PROJECTS:
        reasons.append(f"it rests on only {_plural(len(projects), 'project')}")
    families = {project_family(facts.acronym) for facts in projects.values()}
    if len(projects) > 1 and len(families) == 1:
        reasons.append(f"all of them belong to one family of projects ({families.pop()})")
    return " and ".join(reasons)


@transaction.atomic
def draft_from_data(organization):
    """Fill the empty sections of `organization` from its projects; return a Draft."""
    draft = Draft(organization)
    sections = live_sections(organization)
    if not sections.project_count:
        return draft
    projects = _projects_of(organization, sections)
    changed = []

    if not organization.expertise_areas.exists():
        drafted = _draft_expertise(organization, sections, projects)
        if drafted:
            draft.filled.append(f"{drafted} expertise candidates")

    first, latest, they_differ = _first_and_latest(projects)
    if not organization.early_focus:
        organization.early_focus = focus(projects, first)
        changed.append("early_focus")
    if not organization.recent_focus and they_differ:
        organization.recent_focus = focus(projects, latest)
        changed.append("recent_focus")
    if not organization.trajectory and (text := trajectory(sections)):
        organization.trajectory = text
        changed.append("trajectory")

    if not organization.collaboration_role:
        organization.collaboration_role = suggested_role(len(projects), sections.coordinated)
        changed.append("collaboration_role")
    countries = _partner_country_codes(organization)
    if not organization.reach and countries:
        organization.reach = suggested_reach(str(organization.country), countries)
        changed.append("reach")
    if not organization.network_narrative and (text := network_narrative(sections)):
        organization.network_narrative = text
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

    draft.filled.extend(organization._meta.get_field(name).verbose_name for name in changed)
    if draft.filled:
        # Not public until an editor has reviewed it (organizations/curation.py).
        mark_drafted(organization)
        organization.save()
    return draft
