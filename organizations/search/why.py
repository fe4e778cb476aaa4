"""Why each result matched, as its card says: "name", "12 projects on oncology", both, or
"profile text" (organizations/cards.py shows it)."""

from organizations.search.evidence import NAME_FIELDS, evidence_counts
from organizations.search.words import stems


def why_matched(result, organizations, *, using="default"):
    """Set `why_matched` on each of `organizations` (a page of the results of `result`, a
    search.SearchResult): "name" and/or "12 projects on oncology", or "profile text". One
    query."""
    organizations = list(organizations)
    if not result.alternatives or not organizations:
        return
    # Per alternative, its positive words with their stems: worked out once for the page
    # (stemming them again per result took a third of this function's time).
    alternatives = [
        [word for term in terms if not term.negated for word in term.evidence_words()]
        for terms in result.alternatives
    ]
    word_stems = [set(stems_of) for words in alternatives for _, stems_of in words]
    all_stems = sorted(set().union(*word_stems))
    counts = evidence_counts([o.pk for o in organizations], all_stems, using=using)
    for organization in organizations:
        reasons = []
        # The names a search ranks as a name match (evidence.NAME_FIELDS): a short name in
        # English ("National Research Institute of Oncology") counts as one.
        name_stems = stems(" ".join(getattr(organization, f) or "" for f in NAME_FIELDS))
        if any(word & name_stems for word in word_stems):
            reasons.append("name")
        projects = _projects_text(organization.pk, alternatives, counts)
        if projects:
            reasons.append(projects)
        organization.why_matched = " · ".join(reasons) or "profile text"


def _projects_text(pk, alternatives, counts):
    """ "12 projects on oncology" (", 3 on aviation" per further word) for the alternative
    whose words all have projects of the organization `pk`, the most of them."""
    best = []
    for words in alternatives:
        found = [
            (max((counts.get((pk, s), 0) for s in stems_of), default=0), word)
            for word, stems_of in words
        ]
        if (
            found
            and all(n for n, _ in found)
            and sum(n for n, _ in found) > sum(n for n, _ in best)
        ):
            best = found
    if not best:
        return ""
    (n, word), *rest = best
    text = f"{n} project{'s' if n != 1 else ''} on {word}"
    return ", ".join([text, *(f"{n} on {word}" for n, word in rest)])
