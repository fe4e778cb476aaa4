"""Filters for the site's log records (see LOGGING in portal/settings.py)."""

import logging


class PermissionDeniedInOneLine(logging.Filter):
    """A refused permission (403) is logged as one line, without its traceback.

    Django logs every PermissionDenied with the exception attached: 30 lines for what is an
    everyday event (an editor opening a page they may not), drowning the real errors.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
