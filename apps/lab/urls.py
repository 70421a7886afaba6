from django.urls import path

from apps.lab.views import live, play, sandbox

app_name = "lab"
urlpatterns = [
    path("", sandbox.sandbox, name="sandbox"),
    path("scenarios/", sandbox.scenario_list, name="scenarios"),
    path("scenarios/<slug:slug>/", sandbox.scenario_detail, name="scenario"),
    path("play/", play.play_list, name="play"),
    path("play/<slug:slug>/", play.play_level, name="play_level"),
    path("play/<slug:slug>/move/", play.play_move, name="play_move"),
    path("live/", live.join, name="live_join"),
    path("live/new/", live.new_session, name="live_new"),
    path("live/<str:code>/", live.student, name="live"),
    path("live/<str:code>/move/", live.move, name="live_move"),
    path("live/<str:code>/run/", live.run, name="live_run"),
    path("live/<str:code>/levers/", live.levers, name="live_levers"),
    path("live/<str:code>/start/", live.start, name="live_start"),
    path("live/<str:code>/end/", live.end, name="live_end"),
    path("live/<str:code>/results.csv", live.results_csv, name="live_csv"),
]
