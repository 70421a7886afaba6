from django.urls import path

from apps.lessons import views

app_name = "lessons"
urlpatterns = [
    path("lessons/", views.lesson_list, name="list"),
    path("lessons/<slug:slug>/complete/", views.toggle_complete, name="complete"),
    path("lessons/<slug:slug>/progress/", views.record_progress, name="progress"),
    path("theories/<slug:slug>/", views.theory_detail, name="theory"),
    path("glossary/", views.glossary, name="glossary"),
    path("sources/", views.sources, name="sources"),
]
