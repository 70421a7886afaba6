from django.urls import path

from apps.site import views

app_name = "site"
urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.me, name="me"),
    path("compare/", views.compare, name="compare"),
    path("compare/<slug:dimension>/<slug:theory>/", views.compare_cell, name="compare-cell"),
    path("lessons/<slug:slug>/", views.lesson_detail, name="lesson"),
    path("lessons/<slug:slug>/checks/<int:number>/", views.lesson_check, name="lesson-check"),
    path("search/", views.search, name="search"),
    path("glossary/<slug:slug>/", views.term_detail, name="term"),
]
