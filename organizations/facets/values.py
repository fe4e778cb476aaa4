"""What a facet is made of (its values, their counts and links) and the query strings of
the links, for the organizations page's facets and the projects page's."""

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote_plus


@dataclass
class FacetValue:
    label: str
    count: int
    selected: bool
    url: str  # this page with the value added (or taken away, when selected)
    estimated: bool = False  # counted over a sample of the results

    @property
    def count_text(self):
        # As intcomma, without its locale machinery per number.
        if not self.estimated:
            return f"{self.count:,}"
        # Two significant digits: a sample gives no more.
        return f"about {round(self.count, 2 - len(str(self.count))):,}"


@dataclass
class Facet:
    name: str  # the query parameter
    title: str
    values: list


@dataclass
class Facets:
    count: int  # the number of results
    groups: list  # of Facet, those with values
    estimated: bool = False  # the count (and every facet's) from a sample of the results


def with_params(params, **changes):
    """The query string `params` ((name, value) pairs) with `changes` (name -> values), as
    urlencode() writes it."""
    kept = [_pair(name, value) for name, value in params if name not in changes]
    added = [_pair(name, value) for name, values in changes.items() for value in values]
    return "?" + "&".join(kept + added)


@lru_cache(maxsize=4096)
def _pair(name, value):
    # A facet's hundred links repeat the page's own pairs: each is quoted once.
    return f"{quote_plus(name)}={quote_plus(value)}"


def current_params(request):
    """The current query string as (name, value) pairs, but for the page: links go to page 1.

    Plain pairs and urllib's urlencode: QueryDict.copy() deep-copies, for every link.
    """
    return [
        (name, value) for name, values in request.GET.lists() if name != "page" for value in values
    ]


def toggle(values, value):
    """`values` with `value` taken away if it is there, else added (a facet link's)."""
    return [v for v in values if v != value] if value in values else [*values, value]
