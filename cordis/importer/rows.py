"""The rule of what an import writes for a row, and the slugs of what it creates."""

import functools

from django.utils.text import slugify


def file_values(model, values):
    """The values to write for a row of the file: the rule of what an import writes.

    The file is the source of these fields, so an empty cell empties the field (NULL, or
    the field's default: "" for text, "other" for an organization's kind), whatever an
    editor or a script stored. A field not in `values` (its column is not in the file) is
    not written: the model's default for a new row, left as it is for an existing one.
    """
    empty = empty_values(model)
    return {name: empty[name] if value is None else value for name, value in values.items()}


@functools.cache
def empty_values(model):
    return {
        field.name: None if field.null else field.get_default()
        for field in model._meta.concrete_fields
    }


def apply_changes(current, values):
    """Copy into `current` the values (from file_values) that differ from it; return the
    names of those that did (empty: none)."""
    changed = []
    for name, value in values.items():
        if current[name] != value:
            current[name] = value
            changed.append(name)
    return changed


def slug_base(text, fallback):
    """The slug to start from, with room left for a "-2" suffix; `fallback` if text has no
    letters or digits slugify keeps (e.g. a name in Greek letters)."""
    return slugify(text)[:140].strip("-") or fallback


class UniqueSlugs:
    """Slugs unique among a model's slugs and each other ("x", "x-2", "x-3"), for rows
    created a chunk at a time.

    The existing slugs are read once, in one query, when the first new row needs one.
    """

    def __init__(self, model):
        self.model = model
        self.taken = None
        self.next_suffix = {}

    def __call__(self, bases):
        """One slug per base, in order."""
        if not bases:
            return []
        if self.taken is None:
            self.taken = set(self.model.objects.values_list("slug", flat=True))
        slugs = []
        for base in bases:
            slug = base
            suffix = self.next_suffix.get(base, 2)
            while slug in self.taken:
                slug = f"{base}-{suffix}"
                suffix += 1
            self.next_suffix[base] = suffix
            self.taken.add(slug)
            slugs.append(slug)
        return slugs
