"""The profile's change form: inputs sized to their text, and the optimistic lock."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from reversion.models import Version

from organizations.models import FiguresSource, Organization

FIGURES = [
    "project_count",
    "coordinator_count",
    "total_ec_funding",
    "partner_count",
    "partner_country_count",
]
# One-line texts as wide as the narrative boxes, not the admin's 20em: whole phrases.
WIDE_INPUTS = ["name", "legal_name", "tagline", "early_focus", "recent_focus"]
# A text box's height follows its text, within these bounds (lines).
MIN_ROWS, MAX_ROWS = 2, 24
# Characters of a line in a narrative box at the admin's width.
LINE_CHARACTERS = 90


def rows_for(text: str) -> int:
    """Lines a text box needs to show `text` without scrolling, within bounds."""
    lines = sum(1 + len(line) // LINE_CHARACTERS for line in (text or "").splitlines())
    return max(MIN_ROWS, min(MAX_ROWS, lines + 1))


def size_to_content(form):
    """Give every text box of `form` the height of its text, and one-line inputs for
    phrases the width of the narrative boxes."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.Textarea):
            widget.attrs["rows"] = rows_for(form.initial.get(name) or "")
        elif name in WIDE_INPUTS and isinstance(widget, forms.TextInput):
            widget.attrs["class"] = "vLargeTextField"


class OrganizationForm(forms.ModelForm):
    # No Meta: the admin builds the form for Organization from its fieldsets.

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "version" in self.fields:
            self.fields["version"].widget = forms.HiddenInput()
        size_to_content(self)

    def clean(self):
        cleaned = super().clean()
        figures_changed = any(name in self.changed_data for name in FIGURES)
        if figures_changed and cleaned.get("figures_source") == FiguresSource.COMPUTED:
            self.add_error(
                "figures_source",
                "To type the figures in, choose “Entered by the editors”: computed figures "
                "are replaced the next time they are refreshed.",
            )
        self._check_version(cleaned.get("version"))
        return cleaned

    def _check_version(self, version):
        """Refuse the save if someone else saved the profile since this form was opened.

        The admin runs form validation and saving in one transaction, so the row lock taken
        here holds until this save commits: two saves cannot both pass the check.
        """
        if self.instance._state.adding or version is None:
            return
        current = (
            Organization.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if current is not None and current != version:
            raise ValidationError(
                stale_version_message(self.instance, current, getattr(self, "editing_user", None)),
                code="stale_version",
            )


class SizedInlineForm(forms.ModelForm):
    """An inline's form with text boxes as tall as their text."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        size_to_content(self)


def stale_version_message(organization, current_version, editing_user):
    """Why a save is refused, naming who saved the profile since the form was opened: the
    editor themself (in another window or tab), another editor, or an import or script."""
    version = Version.objects.get_for_object(organization).select_related("revision__user").first()
    if version is not None and version.field_dict.get("version") == current_version:
        who, changed_at = version.revision.user, version.revision.date_created
    else:  # the last save in the admin is older: the import (it bumps the version) or a script
        who, changed_at = None, organization.updated_at
    when = " on " + date_format(timezone.localtime(changed_at), "j M Y, H:i")
    if who is not None and who == editing_user:
        return (
            f"You saved this profile in another window or tab{when}, after this form was "
            "opened. These changes have not been saved: open the profile again, then redo them."
        )
    if who is not None:
        return (
            f"{who} saved this profile while you were editing it{when}. Your changes have not "
            "been saved. Open the profile again to see theirs, then redo yours."
        )
    return (
        f"An import or script changed this profile while you were editing it{when}. Your "
        "changes have not been saved. Open the profile again, then redo them."
    )
