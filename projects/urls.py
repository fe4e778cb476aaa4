from django.urls import path

from projects import views

app_name = "projects"
urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="list"),
    path("projects/<slug:slug>/", views.ProjectDetailView.as_view(), name="detail"),
    path("keywords/", views.KeywordListView.as_view(), name="keywords"),
    path("keywords/<slug:slug>/", views.KeywordDetailView.as_view(), name="keyword"),
]
