from django.urls import path

from apps.review import views

app_name = "review"
urlpatterns = [
    path("", views.session, name="session"),
    path("start/", views.start, name="start"),
    path("settings/", views.retention, name="settings"),
    path("<int:card_id>/check/", views.check, name="check"),
    path("<int:card_id>/rate/", views.rate, name="rate"),
]
