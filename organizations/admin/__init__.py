"""The editors' admin: profiles (organization.py, its form in forms.py, its read-only parts
in display.py), capabilities and the bulk drafts' progress (others.py)."""

from organizations.admin import organization, others  # noqa: F401  (they register)
