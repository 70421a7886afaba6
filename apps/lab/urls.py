from django.urls import path

from apps.lab import views

app_name = "lab"
urlpatterns = [
    path("", views.sandbox, name="sandbox"),
    path("scenarios/", views.scenario_list, name="scenarios"),
    path("scenarios/<slug:slug>/", views.scenario_detail, name="scenario"),
]
