"""/healthz checks the database and the cache, and says which one failed (not why)."""

import pytest

from tests.test_settings import run

# Nothing listens on port 1: a Redis that is down.
REDIS_DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


@pytest.mark.django_db
def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_the_cache_down_is_named(client, settings, caplog):
    settings.CACHES = REDIS_DOWN
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "unavailable"}
    assert "Connection refused" in caplog.text  # the reason is in the log, not the answer
    assert "Connection refused" not in response.content.decode()


@pytest.mark.django_db
def test_public_pages_still_answer_with_the_cache_down(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.RATELIMIT_ENABLE = True
    settings.CACHES = REDIS_DOWN
    assert client.get("/").status_code == 200
    assert client.get("/organizations/?q=oncology").status_code == 200


def healthz_in_a_fresh_process(**environment):
    return run(
        "-c",
        "import django; django.setup(); from django.test import Client; "
        "response = Client().get('/healthz', HTTP_HOST='localhost'); "
        "print(response.status_code, response.content.decode())",
        **environment,
    )


def test_the_database_down_is_named_without_the_reason():
    """With a database that can't be opened; the reason (paths, hosts, users) is logged."""
    result = healthz_in_a_fresh_process(DATABASE_URL="sqlite:////nonexistent-folder/p.sqlite3")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '503 {"status": "error", "database": "unavailable", "cache": "ok"}'
    )
    assert "unable to open database file" in result.stderr  # in the log


def test_both_down_are_both_named():
    result = healthz_in_a_fresh_process(
        DATABASE_URL="sqlite:////nonexistent-folder/p.sqlite3", REDIS_URL="redis://127.0.0.1:1/0"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '503 {"status": "error", "database": "unavailable", "cache": "unavailable"}'
    )
