from django.views.generic.base import ContextMixin


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
