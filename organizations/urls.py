from django.urls import path, re_path

from organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.OrganizationListView.as_view(), name="list"),
    # /organizations/export.csv?q=... and export.json: the list's results as a file.
    re_path(r"^export\.(?P<fmt>csv|json)$", views.OrganizationExportView.as_view(), name="export"),
    path("<slug:slug>/", views.OrganizationDetailView.as_view(), name="detail"),
]
