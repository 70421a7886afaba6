from django.contrib import admin
from django.urls import include, path

from apps.core.admin import markdown_preview
from apps.core.forms import ThrottledAdminLoginForm

admin.site.site_header = "Regimes — curators"
admin.site.site_title = "Regimes admin"
admin.site.index_title = "Content"
admin.site.login_form = ThrottledAdminLoginForm

urlpatterns = [
    path("admin/markdown-preview/", markdown_preview, name="markdown-preview"),
    path("admin/", admin.site.urls),
    path("quizzes/", include("apps.quizzes.urls")),
    path("lab/", include("apps.lab.urls")),
    path("teach/", include("apps.teaching.urls")),
    path("classes/", include("apps.classes.urls")),
    path("review/", include("apps.review.urls")),
    path("lti/", include("apps.lti.urls")),
    path("", include("apps.lessons.urls")),
    path("cases/", include("apps.cases.urls")),
    path("", include("apps.core.urls")),
    path("", include("apps.site.urls")),
]

handler400 = "apps.core.views.bad_request"
handler403 = "apps.core.views.permission_denied"
handler404 = "apps.core.views.page_not_found"
handler500 = "apps.core.views.server_error"
