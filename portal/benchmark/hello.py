"""A hello-world Django view, served like the portal for benchmark_load: the same settings,
middleware and gunicorn configuration, no database and no template.

    gunicorn portal.benchmark.hello -c gunicorn.conf.py
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

application = get_wsgi_application()


def hello(request):
    return HttpResponse("Hello, world\n", content_type="text/plain")


urlpatterns = [path("", hello)]
# The only URL this server knows; read at the first request, so setting it here is in time.
settings.ROOT_URLCONF = __name__
