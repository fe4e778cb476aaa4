import logging

from django.db import connection
from django.http import HttpResponse, JsonResponse
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
    """For load balancers: 200 when the database answers, 503 when it does not.

    The reason goes to the log, not to the public: a database error can name hosts and users.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means "unhealthy"
        logger.exception("Health check: the database does not answer.")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
