"""Public pages served from the cache, stale the moment the content changes.

A page's key holds the cache generation (base/caching.py), which every change to the content
replaces in its own transaction: no page built before a change is served after it, whatever
made the change. The TTL (PAGE_CACHE_SECONDS) only frees memory. Logged-in users (editors,
staff) are never served from the cache, and nothing they see is stored. Every page carries an
ETag: a browser that sends it back gets 304 (ConditionalGetMiddleware, listed before this).
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, set_response_etag

from base.caching import current_generation

logger = logging.getLogger(__name__)

# The pages served from the cache, by URL name: public pages made of the database's content.
CACHED_PAGES = {
    "home",
    "organizations:list",
    "organizations:detail",
    "projects:list",
    "projects:detail",
    "projects:keywords",
    "projects:keyword",
}
# The headers a cached page keeps; the middleware listed before this one (security, CSP...)
# add theirs to a page from the cache as to any other.
STORED_HEADERS = ("Content-Type", "ETag")


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "page_cache_key", None)
        if key is not None:
            if response.get("X-Cache") != "hit" and storable(request, response):
                set_response_etag(response)
                stored = {"content": response.content, "headers": header_values(response)}
                if cache_call(cache.set, key, stored, settings.PAGE_CACHE_SECONDS) is not False:
                    response["X-Cache"] = "miss"
            # Browsers keep the page but ask each time: a 304 when nothing changed.
            patch_cache_control(response, no_cache=True)
        return response

    def process_view(self, request, view, args, kwargs):
        if not cacheable(request):
            return None
        request.page_cache_key = page_key(request, current_generation())
        cached = cache_call(cache.get, request.page_cache_key)
        if not cached:
            return None
        response = HttpResponse(cached["content"])
        for header, value in cached["headers"].items():
            response[header] = value
        response["X-Cache"] = "hit"
        return response


def cache_call(method, *args):
    """The cache's answer, or False when the cache is down: the page is then built (and
    /healthz says the cache is unavailable)."""
    try:
        return method(*args)
    except Exception:  # whatever the backend raises (Redis: ConnectionError, TimeoutError)
        logger.warning("The page cache does not answer; pages are built.", exc_info=True)
        return False


def cacheable(request) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and request.resolver_match.view_name in CACHED_PAGES
        and not request.user.is_authenticated
    )


def storable(request, response) -> bool:
    """A complete 200 that is the same for every visitor: not one that made a CSRF token or
    sets a cookie (those belong to one visitor)."""
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def header_values(response) -> dict:
    return {header: response[header] for header in STORED_HEADERS if response.has_header(header)}


def page_key(request, generation: str) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"page:{generation}:{hashlib.sha256(address.encode()).hexdigest()}"
