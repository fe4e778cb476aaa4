import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.generic import TemplateView

from base.views import PageMixin
from organizations.models import Organization
from projects.models import Keyword, Project

RECENT_PROFILES = 6

logger = logging.getLogger(__name__)


class HomeView(PageMixin, TemplateView):
    template_name = "portal/home.html"
    page_description = "Research organizations and the EU-funded projects they take part in."

    def get_context_data(self, **kwargs):
        published = Organization.objects.published()
        return super().get_context_data(
            organization_count=published.count(),
            project_count=Project.objects.count(),
            keyword_count=Keyword.objects.count(),
            recent=published.recently_updated().for_cards()[:RECENT_PROFILES],
            **kwargs,
        )


def healthz(request):
    """For load balancers: 200 when the database and the cache answer, 503 naming the one
    that does not.

    The reason goes to the log, not to the public: an error can name hosts and users.
    """
    checks = {"database": _database_answers, "cache": _cache_answers}
    results = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception:  # any failure means "unhealthy"
            logger.exception("Health check: the %s does not answer.", name)
            results[name] = "unavailable"
    healthy = all(result == "ok" for result in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **results}, status=200 if healthy else 503
    )


def _database_answers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache_answers():
    # A value of its own per request: another server's check cannot answer for this one.
    value = uuid.uuid4().hex
    cache.set("healthz", value, 10)
    if cache.get("healthz") != value:
        raise RuntimeError("The cache did not return the value just stored.")


def server_error(request):
    """The 500 page in the site's style, rendered from the template alone: whatever failed
    (the database, a context processor) is not asked again."""
    try:
        content = loader.get_template("500.html").render({"SITE_NAME": settings.SITE_NAME})
    except Exception:  # the error page itself must not fail
        logger.exception("The 500 page could not be rendered.")
        content = "<h1>Something went wrong</h1><p>Please try again later.</p>"
    return HttpResponseServerError(content)


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
