"""{% filter_fields form primary %}: the visible fields of includes/filter_form.html, in
Python. In the template, each field's dozen lookups and tests cost 0.2 ms: the search
form's fifteen fields took more than a search's count."""

from django import template
from django.templatetags.static import static
from django.utils.safestring import SafeString, mark_safe

from base.html import escaped

register = template.Library()


@register.simple_tag
def filter_fields(form, primary=0) -> SafeString:
    """Each visible field of `form` in its labelled wrapper; past the first `primary` of
    them (when given), the rest in the "More filters" <details> (static/js/filters.js
    folds it on a narrow screen)."""
    fields = form.visible_fields()
    out = []
    for index, field in enumerate(fields):
        if primary and index == primary:
            out.append(
                '<details class="filters__more" open><summary>More filters</summary>'
                '<div class="filters__more-fields">'
            )
        out.append(_field(field))
    if primary and len(fields) > primary:
        script = escaped(static("js/filters.js"))
        out.append(f'</div></details><script src="{script}" defer></script>')
    return mark_safe("\n".join(out))  # noqa: S308 - every value escaped in _field


def _field(field) -> str:
    widget_type, errors, label = field.widget_type, field.errors, escaped(field.label)
    name = escaped(field.name)
    classes = f"filters__field filters__field--{widget_type}"
    classes += " filters__field--invalid" if errors else ""
    parts = [f'<div class="{classes}" id="field-{name}">']
    label_tag = f'<label for="{escaped(field.id_for_label)}">{label}</label>'
    if field.use_fieldset:
        parts.append(f"<fieldset><legend>{label}</legend>")
    elif widget_type != "checkbox":
        parts.append(label_tag)
    if field.help_text:
        parts.append(
            f'<div class="helptext" id="{escaped(field.auto_id)}_helptext">'
            f"{escaped(field.help_text)}</div>"
        )
    if errors:
        parts.append(str(errors))
    parts.append(str(field))
    if widget_type == "checkbox":
        parts.append(label_tag)
    if field.use_fieldset:
        parts.append("</fieldset>")
    parts.append("</div>")
    return "\n".join(parts)
