"""The list pages' quick inputs write what Django's own widget templates write."""

import pytest
from django import forms

from base.filters import QUICK_INPUTS, quicken

CASES = [
    (forms.TextInput(attrs={"type": "search"}), "q", "ca\"ncer <b> & 'x'"),
    (forms.TextInput(), "keyword", None),
    (forms.NumberInput(attrs={"min": 0, "max": 10**12}), "funding_min", 12.5),
    (forms.CheckboxInput(), "sme", True),
    (forms.CheckboxInput(), "sme", False),
    (forms.HiddenInput(), "page", "3"),
]


@pytest.mark.parametrize("widget, name, value", CASES)
def test_a_quick_input_renders_as_django(widget, name, value):
    attrs = {"id": f"id_{name}", "aria-describedby": f"id_{name}_helptext", "required": True}
    expected = widget.render(name, value, attrs)
    widget.__class__ = QUICK_INPUTS[type(widget)]
    assert widget.render(name, value, attrs) == expected


def test_quicken_leaves_other_widgets_alone():
    class Form(forms.Form):
        text = forms.CharField()
        choice = forms.ChoiceField(choices=[("a", "A")])
        email = forms.EmailField()

    form = quicken(Form())
    assert type(form.fields["text"].widget).__name__ == "QuickTextInput"
    assert type(form.fields["choice"].widget) is forms.Select
    assert type(form.fields["email"].widget) is forms.EmailInput  # a subclass: its own type


def test_the_organizations_form_class_is_made_once_and_its_forms_stay_apart():
    from django.utils import translation

    from organizations.filters import OrganizationFilterSet
    from organizations.models import Organization

    def bound(data):
        filterset = OrganizationFilterSet(data, queryset=Organization.objects.none())
        assert filterset.is_valid(), filterset.errors
        return filterset.form

    german, plain = bound({"q": "a", "country": ["DE"]}), bound({"q": "b"})
    assert type(german) is type(plain)
    assert german.fields["country"] is not plain.fields["country"]
    assert (german.cleaned_data["country"], plain.cleaned_data["country"]) == (["DE"], [])
    # The countries' names follow the language of each request, not of the first one.
    with translation.override("de"):
        assert ("DE", "Deutschland") in list(bound({}).fields["country"].choices)
    assert ("DE", "Germany") in list(bound({}).fields["country"].choices)
