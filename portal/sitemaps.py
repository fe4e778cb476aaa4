from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from organizations.models import Organization
from projects.models import Keyword, Project


class OrganizationSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Organization.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, organization):
        return organization.updated_at

    def get_latest_lastmod(self):
        # One aggregate for the sitemap index, instead of loading every profile.
        return Organization.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class ProjectSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Project.objects.only("slug").order_by("pk")


class KeywordSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Keyword.objects.only("slug").order_by("pk")


SITEMAPS = {
    "organizations": OrganizationSitemap,
    "projects": ProjectSitemap,
    "keywords": KeywordSitemap,
}
