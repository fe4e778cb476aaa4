"""What the import stores for each organization so that pages and search read it instead
of grouping its projects per request: computed sections, subjects, search evidence."""

from django.db import models
from django.utils import timezone


class ComputedProfile(models.Model):
    """What an organization's computed sections count, as the last import left it
    (organizations/sections/stored.py): the profile reads it instead of grouping every
    project again. Without one, the page counts from the projects themselves."""

    organization = models.OneToOneField(
        "Organization", on_delete=models.CASCADE, primary_key=True, related_name="computed"
    )
    tally = models.JSONField(help_text="organizations.sections.tally.Tally, as JSON.")
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "computed profile"

    def __str__(self):
        return f"Computed sections of {self.organization}"

    def get_absolute_url(self):
        return self.organization.get_absolute_url()


class SubjectKind(models.TextChoices):
    FIELD = "field", "Field of science"
    SUBFIELD = "subfield", "Field of science, next level"
    PROGRAMME = "programme", "Programme"
    PROGRAMME_PART = "programme_part", "Programme part"
    TOPIC = "topic", "Topic"


class OrganizationSubject(models.Model):
    """One subject of an organization's projects (a field of science at the top or the next
    level, a programme, a programme part, a topic) and how many of its projects have it.

    Written set-wise by the import for the organizations it touches
    (organizations/subjects.py), so that the organizations page filters and counts facets
    from these rows instead of grouping the participations of every result.
    """

    organization = models.ForeignKey(
        "Organization", on_delete=models.CASCADE, related_name="subjects", db_index=False
    )
    kind = models.CharField(max_length=20, choices=SubjectKind)
    code = models.CharField(
        max_length=100, help_text='CORDIS\'s code, e.g. "/29" (a field) or "HORIZON.2.1".'
    )
    projects = models.PositiveIntegerField(help_text="How many of its projects have it.")

    class Meta:
        ordering = ["organization", "kind", "code"]
        constraints = [
            # Also the facets' index: the subjects of the results, by organization.
            models.UniqueConstraint(
                fields=["organization", "kind", "code"], name="organization_subject_unique"
            ),
        ]
        indexes = [
            # The filters: the organizations with a subject (kind, code in (...)).
            models.Index(fields=["kind", "code", "organization"], name="org_subject_filter_idx"),
        ]

    def __str__(self):
        return f"{self.organization}: {self.get_kind_display()} {self.code}"

    def get_absolute_url(self):
        return self.organization.get_absolute_url()


# A sample of a search's results is every step-th organization by id, the step a power of two
# up to SAMPLE_MASK + 1 (organizations.facets): read from searchevidence_sample_idx.
SAMPLE_MASK = 255


class SearchEvidence(models.Model):
    """What search finds an organization by, one row per word (a stem): how many of its
    projects have the word in their subjects (acronym, title, keywords, fields of science,
    topics, programme parts), whether its own text has it (names; reviewed tagline,
    expertise and narratives), and the rank a search for that word alone gives it. What a
    card says ("12 projects on oncology"). Written by
    organizations.search.evidence.refresh_search, never by editors."""

    class Tier(models.IntegerChoices):
        PROJECTS = 0, "Projects only"
        OWN_TEXT = 1, "Own text"  # reviewed tagline, expertise or narratives
        NAME = 2, "Name"  # name, legal name or short name

    # No database constraint: the import deletes and rewrites these rows for the
    # organizations it touches, and rows left by a deleted organization match no one.
    organization = models.ForeignKey(
        "Organization",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    word = models.CharField(max_length=100, help_text="A stem, accents folded (search.words).")
    projects = models.PositiveIntegerField()
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.PROJECTS)
    # The search rank of a query of this word alone (search.rank_of), stored so that the
    # page of a one-word search is read in its order from an index.
    rank = models.FloatField(default=0.0)

    class Meta:
        constraints = [
            # search: "word IN (...) AND organization_id = ..." (a result's project count)
            # and "organization_id IN (SELECT ... WHERE word IN (...))" (who matches).
            models.UniqueConstraint(fields=["word", "organization"], name="searchevidence_word_org")
        ]
        indexes = [
            # search.evidence.refresh_search: "DELETE ... WHERE organization_id IN (...)".
            models.Index(fields=["organization"], name="searchevidence_org_idx"),
            # search: "SELECT organization_id ... WHERE word IN (...)" (who matches) and the
            # ranked page's "SELECT organization_id, max(projects), max(tier) ... WHERE word
            # IN (...) GROUP BY organization_id", read from the index alone.
            models.Index(
                fields=["word", "organization", "projects", "tier"],
                name="searchevidence_tier_idx",
            ),
            # search.ranked_page of a one-word search: "WHERE word = %s ORDER BY rank DESC,
            # name, id LIMIT 20": the index's order, cut at the page, without the table.
            models.Index(fields=["word", "-rank", "organization"], name="searchevidence_rank_idx"),
            # search: the facets' sample of a common word's results, "WHERE word IN (...) AND
            # (organization_id & 255) IN (0, 32, ...)" (every 32nd organization by id), and
            # facets.sample_step's count of a word's 256th: the sample's rows, not the word's.
            models.Index(
                "word",
                models.F("organization").bitand(SAMPLE_MASK),
                "organization",
                name="searchevidence_sample_idx",
            ),
        ]

    def __str__(self):
        return f"{self.word}: {self.projects}"
