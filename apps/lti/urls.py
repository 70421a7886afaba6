from django.urls import path

from apps.lti import views

app_name = "lti"
urlpatterns = [
    path("login/", views.login_initiation, name="login"),
    path("launch/", views.launch, name="launch"),
    path("jwks/", views.jwks, name="jwks"),
    path("pick/", views.pick, name="pick"),
    path("courses/<int:course_id>/", views.course, name="course"),
    path("courses/<int:course_id>/roster/", views.sync_roster, name="sync_roster"),
]
