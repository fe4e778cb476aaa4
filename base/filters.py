"""Filters and widgets that the list pages of every app share.

Every value comes from the URL (a GET form), so a search can be bookmarked and shared; the
forms validate strictly: a value they cannot read is a form error, never a guess.
"""

import re
from functools import lru_cache
from html import escape  # Django's escape() is this, behind a slower lazy-text wrapper

import django_filters
from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django_countries import countries


class FormClassOnce:
    """A FilterSet mixin: the form class made once per FilterSet class. django-filter makes
    it on every request from fields it makes anew, which the form then copies again: 1.2 ms
    of a search page. Only for a FilterSet whose fields depend on its class alone: not one
    that sets a filter's choices per request, as the projects' reads its programmes. (The
    countries' names, which depend on the language, are a callable read as it renders.)"""

    def get_form_class(self):
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            type(self)._form_class = form_class
        return form_class


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


@lru_cache
def country_choices(language):
    # django-countries sorts ~250 translated names on each call: once per language is enough.
    return [(code, str(name)) for code, name in countries]


# Widgets with Django's markup, written in Python. Django renders every option and checkbox
# through two or three templates, 0.1 to 0.2 ms apiece: the 280 options of this page's form
# would cost more than its database queries. (Flat choices only: no option groups.)


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(option)}"{" selected" if str(option) in chosen else ""}>'
            f"{escape(label)}</option>"
            for option, label in self.choices
        )
        attrs = flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name}))
        multiple = " multiple" if self.allow_multiple_selected else ""
        return mark_safe(f"<select{multiple}{attrs}>{options}</select>")  # noqa: S308 - escaped


class QuickSelectMultiple(QuickSelect, forms.SelectMultiple):
    pass


class QuickCheckboxes(forms.CheckboxSelectMultiple):
    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        base_id = escape(self.build_attrs(self.attrs, attrs).get("id", f"id_{name}"))
        boxes = "".join(
            f'<div><label for="{base_id}_{index}"><input type="checkbox" name="{escape(name)}" '
            f'value="{escape(option)}" id="{base_id}_{index}"'
            f"{' checked' if str(option) in chosen else ''}> {escape(label)}</label></div>"
            for index, (option, label) in enumerate(self.choices)
        )
        return mark_safe(f'<div id="{base_id}">{boxes}</div>')  # noqa: S308 - escaped


class QuickInputMixin:
    """An <input> as Django's input.html and attrs.html write it, without the two templates
    (0.3 ms or more per field with the machine busy: nine fields of the search form took
    more than its database queries)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value = "" if widget["value"] is None else f' value="{escape(str(widget["value"]))}"'
        attrs = "".join(
            f" {escape(key)}" if val is True else f' {escape(key)}="{escape(str(val))}"'
            for key, val in widget["attrs"].items()
            if val is not False
        )
        return mark_safe(  # noqa: S308 - escaped
            f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"{value}{attrs}>'
        )


QUICK_INPUTS = {
    widget: type(f"Quick{widget.__name__}", (QuickInputMixin, widget), {})
    for widget in [forms.TextInput, forms.NumberInput, forms.CheckboxInput, forms.HiddenInput]
}


def quicken(form):
    """Render `form`'s plain inputs with QuickInputMixin (their class exactly: a subclass may
    have its own template)."""
    for field in form.fields.values():
        quick = QUICK_INPUTS.get(type(field.widget))
        if quick is not None:
            field.widget.__class__ = quick
    return form


def country_filter(**kwargs):
    """Several countries, by ISO code."""
    return django_filters.MultipleChoiceFilter(
        choices=lambda: country_choices(get_language()),
        distinct=False,  # a plain column: no duplicate rows to remove
        help_text="Ctrl-click (Cmd-click on a Mac) to choose several.",
        widget=QuickSelectMultiple(attrs={"size": 5}),
        **kwargs,
    )


def slug_filter(label, method, help_text, *, max_length=150):
    """A filter by the address name (slug) of a related object, applied by `method`."""
    return django_filters.CharFilter(
        label=label, method=method, max_length=max_length, help_text=help_text
    )


def bounds(filter_class, field_name, *, labels, max_value):
    """Two filters on one column, "from" (>=) and "up to" (<=), both from 0 to max_value."""
    return tuple(
        filter_class(
            label=label,
            field_name=field_name,
            lookup_expr=lookup,
            min_value=0,
            max_value=max_value,
        )
        for label, lookup in zip(labels, ["gte", "lte"], strict=True)
    )


class CodesField(forms.MultipleChoiceField):
    """Several codes (repeated in the query string: topic=A&topic=B), each checked against
    a pattern rather than a list of choices: some kinds have thousands of codes."""

    widget = forms.MultipleHiddenInput  # the facets show and change them

    def __init__(self, *, pattern, example, max_values=10, **kwargs):
        super().__init__(**kwargs)
        self.pattern, self.example, self.max_values = pattern, example, max_values

    def valid_value(self, value):
        return self.pattern.fullmatch(value) is not None

    def validate(self, value):
        if len(value) > self.max_values:
            raise forms.ValidationError(f"Choose at most {self.max_values}.")
        for code in value:
            if not self.valid_value(code):
                raise forms.ValidationError(
                    f"“{code[:50]}” is not a code such as {self.example}.", code="invalid_choice"
                )


class CodesFilter(django_filters.MultipleChoiceFilter):
    """Several codes of a classification (see CodesField); the filtering is the `method`'s."""

    field_class = CodesField


def codes_filter(label, method, *, pattern, example, help_text=""):
    return CodesFilter(
        label=label,
        method=method,
        pattern=re.compile(pattern),
        example=example,
        help_text=help_text,
    )
