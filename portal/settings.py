"""Settings for the research portal: one file, every deployment value from the environment.

See the README's configuration table for the variables. Defaults make a fresh checkout run
(debug on, SQLite in the project folder); production sets DJANGO_DEBUG=0 and the rest.
"""

import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from portal.env import BadEnvironment, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", default=True)

SECRET_KEY = env_str("DJANGO_SECRET_KEY", required=not DEBUG)
if SECRET_KEY is None:
    # Only reached with debug on: a fixed key is harmless on a developer's machine.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"
elif not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("insecure")):
    raise BadEnvironment(
        "The environment variable DJANGO_SECRET_KEY must be a random string of at least "
        "50 characters when DJANGO_DEBUG is off."
    )

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise BadEnvironment(
        "The environment variable DJANGO_ALLOWED_HOSTS must list the site's host names "
        "(comma-separated) when DJANGO_DEBUG is off."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

SITE_NAME = env_str("SITE_NAME", "SciTransfer")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_countries",
    "django_filters",
    "reversion",
    "reversion_compare",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "portal",
    "base",
    "organizations",
    "projects",
    "cordis",
]

MIDDLEWARE = [
    # Outermost: times the whole request and logs it as one JSON line (portal/request_log.py).
    "portal.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The strict policy below, loosened for the admin and for XML (portal/security.py).
    "portal.security.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # ETags and 304s, for cached pages and the rest alike; inside the middleware that add
    # headers (security, CSP), so that a 304 carries them too.
    "django.middleware.http.ConditionalGetMiddleware",
    # Inside the middleware that add headers, so that a page from the cache gets them too;
    # after authentication, since logged-in users are never served from the cache.
    "portal.page_cache.PageCacheMiddleware",
    # After the cache: only the requests it does not answer count against the limits.
    "portal.ratelimits.RateLimitMiddleware",
    # Sends public reads to the replica, when there is one (portal/routers.py).
    "portal.routers.PublicReadsMiddleware",
    # Turns axes' lockout into the lockout page; axes wants it last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

# SQLite by default so that a checkout just runs; PostgreSQL through DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
except Exception as error:  # dj-database-url raises several types for a bad URL
    raise BadEnvironment(
        f"The environment variable DATABASE_URL is not a database URL we understand: {error}"
    ) from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections roughly double throughput under gunicorn; the health check
    # drops a connection the server closed instead of failing the next request.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DJANGO_CONN_MAX_AGE", 600, minimum=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # JIT compilation costs tens of milliseconds on the short queries pages make and never
    # pays back here; so does starting parallel workers (a search's facets over a sample of
    # a common word's results were planned with two, 20 ms of start-up on a busy machine).
    # A random read costs about a sequential one once the tables are cached (the default,
    # 4, is for spinning disks): with 4, the facets of a search's sample of 650 read the
    # whole 45,000-row facets index rather than look the 650 up (9.8 against 2.9 ms).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c jit=off -c max_parallel_workers_per_gather=0 -c random_page_cost=1.1"
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # BEGIN takes the write lock (Django's advice for concurrent writes): a writer waits for
    # another at the start, instead of failing half-way with "database is locked". The CORDIS
    # import relies on it to run one at a time (cordis/lock.py).
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"

# A read replica (PostgreSQL streaming replication), for public pages' reads: see
# docs/scaling.md and portal/routers.py. Everything else goes to the primary.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(DATABASE_REPLICA_URL),
        **{k: v for k, v in DATABASES["default"].items() if k in ("CONN_MAX_AGE", "OPTIONS")},
        "CONN_HEALTH_CHECKS": DATABASES["default"].get("CONN_HEALTH_CHECKS", False),
        # Tests: the replica is the primary (Django's test databases mirror the alias).
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["portal.routers.PrimaryReplicaRouter"]

# The cache: pages (portal/page_cache.py) and rate-limit counters. Local memory, one per
# process, unless REDIS_URL names a Redis database shared by every server.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise BadEnvironment(
        f"The environment variable REDIS_URL must be a redis:// URL, not {REDIS_URL!r}."
    )
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # A Redis that is down fails fast; the pages are then built uncached.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_MAX_ENTRIES", 5000, minimum=1)},
    }
}
# How long a page stays cached (0: none). Content changes make pages stale at once anyway;
# this only bounds how long unused pages take memory.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 3600, minimum=0)

# Rate limits per address (portal/ratelimits.py), as django-ratelimit writes them ("30/m").
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", default=True)
RATELIMIT_SEARCH = env_str("RATELIMIT_SEARCH", "60/m")
RATELIMIT_EXPORT = env_str("RATELIMIT_EXPORT", "10/m")
for _name in ("RATELIMIT_SEARCH", "RATELIMIT_EXPORT"):
    if not re.fullmatch(r"[1-9][0-9]*/[0-9]*[smhd]", globals()[_name]):
        raise BadEnvironment(
            f"The environment variable {_name} must be a rate such as 60/m (per second, "
            f"minute, hour or day: s, m, h, d), not {globals()[_name]!r}."
        )

# Requests and queries at least this slow are logged at warning.
SLOW_REQUEST_MS = env_int("SLOW_REQUEST_MS", 1000, minimum=0)
SLOW_QUERY_MS = env_int("SLOW_QUERY_MS", 200, minimum=0)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "Europe/Brussels")
USE_I18N = True
USE_TZ = True
# CORDIS writes Kosovo as XK, the EU's code; ISO 3166-1 (and so django-countries) has none.
COUNTRIES_OVERRIDE = {"XK": "Kosovo"}

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # The manifest needs collectstatic; debug runs (and tests) use the plain storage.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# HTTPS hardening, switched on together for deployments behind TLS.
SECURE = env_bool("DJANGO_SECURE", default=False)
if SECURE:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Background work (bulk "Draft from data"): Django's tasks framework through django-tasks,
# queued in the database; `manage.py db_worker` runs the tasks (README, "Editors").
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Hardening: login lockout (django-axes), Content-Security-Policy (django-csp) and
# Permissions-Policy (django-permissions-policy); their apps and middleware are listed above.
# Axes checks the lockout before any other backend tries the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Locked: one user name from one address, so a stranger's guessing never locks an editor
# out at their own address. The lock lifts an hour after the last failed attempt (each
# attempt while locked restarts the hour): an editor who mistyped is back without waiting
# for an administrator, and a guesser gets 5 tries an hour. An administrator lifts it at once
# with `manage.py axes_reset_username NAME` (README, "Editors").
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "portal/locked_out.html"

# Public pages: no inline script or style, nothing from other sites, no framing; whatever a
# page needs comes from our own static files. Anything not listed is refused (default-src
# 'none'): a new kind of resource (fonts, fetch) is allowed here on purpose, not by default.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}
# Browser features the site never uses, switched off for it and anything it might embed.
# (browsing-topics replaced FLoC's interest-cohort, which browsers no longer know.)
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
}

LOG_LEVEL = env_str("DJANGO_LOG_LEVEL", "WARNING").upper()
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    # Caught here: logging's own error at start-up does not say which variable is wrong.
    raise BadEnvironment(
        "The environment variable DJANGO_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or "
        f"CRITICAL, not {LOG_LEVEL!r}."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"permission_denied": {"()": "portal.log_filters.PermissionDeniedInOneLine"}},
    "formatters": {"json": {"()": "portal.request_log.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "json": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "loggers": {
        "django.request": {"filters": ["permission_denied"]},
        # One JSON line per request (portal/request_log.py), whatever DJANGO_LOG_LEVEL says.
        "portal.requests": {
            "handlers": ["json"],
            "level": "INFO",
            "propagate": False,
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
