from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from apps.core.forms import SignUpForm


def home(request: HttpRequest) -> HttpResponse:
    from apps.cases.models import Case
    from apps.lessons.models import Lesson, Theory

    return render(
        request,
        "core/home.html",
        {
            "theories": Theory.objects.visible_to(request.user),
            "lessons": Lesson.objects.visible_to(request.user).only("slug", "title", "order"),
            "cases": Case.objects.visible_to(request.user).only(
                "slug", "title", "period", "summary"
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.username}. Your student account is ready.")
        return redirect("home")
    return render(request, "registration/signup.html", {"form": form})


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
