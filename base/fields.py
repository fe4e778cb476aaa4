"""Model fields shared by the apps."""

from django import forms
from django.db import models


def normalize_newlines(value):
    """ "a\\r\\nb\\rc" -> "a\\nb\\nc": one line ending, whatever wrote the text."""
    if isinstance(value, str) and "\r" in value:
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


class NewlinesCharField(forms.CharField):
    """A form field that reads a textarea's "\\r\\n" (what browsers send) as "\\n".

    Without it, a form saved unchanged reports every multi-line field as changed, and
    history records edits that nobody made.
    """

    def to_python(self, value):
        return normalize_newlines(super().to_python(value))


class NormalizedTextField(models.TextField):
    """A TextField whose stored text always ends its lines with "\\n".

    Forms built from it (the admin's included) read "\\r\\n" as "\\n", and every write through
    the ORM (save, update, bulk_update) stores "\\n", so history and Compare show only what
    really changed.
    """

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": NewlinesCharField, **kwargs})

    def get_prep_value(self, value):
        return normalize_newlines(super().get_prep_value(value))
