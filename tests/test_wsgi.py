"""The WSGI entry point that gunicorn loads (portal/wsgi.py)."""

import gc
import importlib


def test_the_loaded_application_is_kept_out_of_the_collectors_way():
    import portal.wsgi

    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        importlib.reload(portal.wsgi)
        assert callable(portal.wsgi.application)
        assert gc.get_freeze_count() > 10_000  # the modules, settings and URL patterns
    finally:
        gc.unfreeze()
