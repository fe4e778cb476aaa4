"""Per-address rate limits on the pages that cost the most to answer: searches and exports.

Counted by django-ratelimit in the cache: per worker process with the default local-memory
cache, shared by every server with Redis (REDIS_URL). Listed after PageCacheMiddleware, so
only the requests the cache does not answer count: a cached search costs next to nothing.
"""

import logging
import math

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)

# URL name -> (group, the setting that holds its rate).
LIMITED_PAGES = {
    "organizations:list": ("search", "RATELIMIT_SEARCH"),
    "projects:list": ("search", "RATELIMIT_SEARCH"),
    "projects:keywords": ("search", "RATELIMIT_SEARCH"),
    "organizations:export": ("export", "RATELIMIT_EXPORT"),
}


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        limited = LIMITED_PAGES.get(request.resolver_match.view_name)
        if limited is None or not settings.RATELIMIT_ENABLE:
            return None
        group, rate_setting = limited
        try:
            usage = get_usage(
                request, group=group, key="ip", rate=getattr(settings, rate_setting), increment=True
            )
        except Exception:  # the cache is down: serve, rather than refuse everyone
            logger.warning("The rate limits' cache does not answer; not limiting.", exc_info=True)
            return None
        if usage is None or not usage["should_limit"]:
            return None
        response = render(request, "429.html", {"group": group}, status=429)
        response["Retry-After"] = str(max(1, math.ceil(usage["time_left"])))
        return response
