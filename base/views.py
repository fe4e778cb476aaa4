"""Views and view helpers that the pages of every app share."""

from urllib.parse import urlencode

from django.urls import reverse
from django.views.generic.base import ContextMixin
from django_filters.views import FilterView

from base.filters import quicken


class PageMixin(ContextMixin):
    """What every public page's base template needs: a title and a meta description.

    Views set `page_title`/`page_description`, or override the getters when they depend on
    the object shown.
    """

    page_title = ""
    page_description = ""

    def get_page_title(self):
        return self.page_title

    def get_page_description(self):
        return self.page_description

    def get_context_data(self, **kwargs):
        kwargs.setdefault("page_title", self.get_page_title())
        kwargs.setdefault("page_description", self.get_page_description())
        return super().get_context_data(**kwargs)


class ClampedPaginationMixin:
    """Page numbers out of range or not numbers show the nearest page instead of a 404."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        number = self.request.GET.get("page")
        # get_page() turns page=0 and page=-5 into the last page; the first is nearer.
        try:
            if int(number) < 1:
                number = 1
        except (TypeError, ValueError):
            pass  # not a number: get_page() shows the first page
        page = paginator.get_page(number)
        return paginator, page, page.object_list, page.has_other_pages()


class FilteredListView(ClampedPaginationMixin, PageMixin, FilterView):
    """A list page filtered by a FilterSet read from the query string.

    Strict: when a value cannot be read, the page shows the form with its errors and no
    results, with status 400. The filterset is bound even to an empty query string, so that
    its default order applies to the bare URL too. A view that counts facets sets
    `self.facets` (with the number of results, `count`) before paginating: the paginator
    takes that number rather than counting again.
    """

    facets = None

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        if self.facets is not None:
            paginator.count = self.facets.count  # counted with the facets: no second query
        return paginator

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        quicken(filterset.form)  # the form's plain inputs without their templates
        return filterset

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "data": self.request.GET}

    def render_to_response(self, context, **response_kwargs):
        if self.filterset.errors:
            response_kwargs.setdefault("status", 400)
        return super().render_to_response(context, **response_kwargs)

    def query_string_without(self, *names):
        params = self.request.GET.copy()
        for name in names:
            params.pop(name, None)
        return params.urlencode()


def slug_url(url_name):
    """A function of a slug giving the address of `url_name`'s page for it, reversed once:
    reverse() costs about 10 µs, and a page lists dozens of organizations or projects."""
    placeholder = "slug-placeholder"
    prefix, suffix = reverse(url_name, kwargs={"slug": placeholder}).split(placeholder)
    return lambda slug: f"{prefix}{slug}{suffix}"


def filtered_list_url(url_name, **filters):
    """The address of a list page with `filters` applied, e.g. the projects of a keyword."""
    return f"{reverse(url_name)}?{urlencode(filters)}"
