from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from apps.core import throttle
from apps.core.checks import password_reset_by_email
from apps.core.forms import SignUpForm, ThrottledPasswordResetForm


def _next_page(request: HttpRequest) -> str:
    """Where a sign-up was heading (?next=, as the log-in page passes it on), when it is a
    page of this site (a path); empty otherwise, so no link can send a new account
    elsewhere, and `redirect()` never mistakes the value for a view name."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else ""


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """A student account; afterwards the new student goes on where they were heading (a
    class's join link, a quiz), or to the home page."""
    next_page = _next_page(request)
    if request.user.is_authenticated:
        return redirect(next_page or "site:home")
    form = SignUpForm(request.POST or None, address=throttle.client_address(request))
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user)  # the one backend in AUTHENTICATION_BACKENDS
        messages.success(request, f"Welcome, {user.username}. Your student account is ready.")
        return redirect(next_page or "site:home")
    return render(request, "registration/signup.html", {"form": form, "next": next_page})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset, throttled; without a mailer the page says reset is unavailable
    rather than claiming a mail was sent."""

    form_class = ThrottledPasswordResetForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "address": throttle.client_address(self.request)}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "by_email": password_reset_by_email()}

    def post(self, request, *args, **kwargs):
        if not password_reset_by_email():
            return self.get(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (the admin, plain-text
    answers); the site's icon answers instead of a 404."""
    return redirect(static("img/favicon.svg"), permanent=True)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """400, naming the limit when a request broke one (a body over the size limit never
    gets this far: middleware.limit_request_body answers 413)."""
    reason = ""
    if isinstance(exception, TooManyFieldsSent):
        reason = (
            f"It had more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} fields, "
            "the limit for one request."
        )
    elif isinstance(exception, TooManyFilesSent):
        reason = (
            f"It had more than {settings.DATA_UPLOAD_MAX_NUMBER_FILES} files, "
            "the limit for one request."
        )
    return render(request, "400.html", {"reason": reason}, status=400)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
