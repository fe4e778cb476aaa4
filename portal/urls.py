from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from portal import views
from portal.sitemaps import SITEMAPS

admin.site.site_header = f"{settings.SITE_NAME} editors"
admin.site.site_title = f"{settings.SITE_NAME} editors"
admin.site.index_title = "Profiles, projects and keywords"

handler500 = "portal.views.server_error"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("organizations/", include("organizations.urls")),
    path("", include("projects.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    # An index of one sitemap per section: at full scale the sections hold more URLs than
    # one sitemap may (50,000); each section pages itself.
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
]
