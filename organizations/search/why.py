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
    all_stems = sorted(
        {s for terms in result.alternatives for t in terms for w in t.stems() for s in w}
    )
    counts = evidence_counts([o.pk for o in organizations], all_stems, using=using)
    for organization in organizations:
        reasons = []
        # The names a search ranks as a name match (evidence.NAME_FIELDS): a short name in
        # English ("National Research Institute of Oncology") counts as one.
        name_stems = stems(" ".join(getattr(organization, f) or "" for f in NAME_FIELDS))
        positive = [t for terms in result.alternatives for t in terms if not t.negated]
        if any(set(s) & name_stems for t in positive for s in t.stems()):
            reasons.append("name")
        projects = _projects_text(organization.pk, result.alternatives, counts)
        if projects:
            reasons.append(projects)
        organization.why_matched = " · ".join(reasons) or "profile text"


def _projects_text(pk, alternatives, counts):
    best = []
    for terms in alternatives:
        found = []
        for term in terms:
            if term.negated:
                continue
            for word, word_stems in term.evidence_words():
                n = max((counts.get((pk, s), 0) for s in word_stems), default=0)
                found.append((n, word))
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
