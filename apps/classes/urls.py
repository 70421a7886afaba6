from django.urls import path

from apps.classes import views

app_name = "classes"
urlpatterns = [
    path("join/", views.join, name="join"),
    path("join/<str:code>/", views.join_code, name="join_code"),
    path("assigned/", views.assigned, name="assigned"),
]
