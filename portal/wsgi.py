import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

# The loaded application's objects (modules, settings, URL patterns: about 80,000) live as
# long as the worker. Out of the garbage collector's reach, a full collection looks at what
# requests leave behind only: it took 45 ms of a search request on HORIZON once in 60
# (benchmark_search and benchmark_pages do the same before their first request).
gc.freeze()
