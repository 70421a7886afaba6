from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def login_required_for_htmx(view):
    """login_required, except that an htmx request from a signed-out browser gets a 403
    (app.js then asks "are you still signed in?") instead of the login page swapped into
    the form."""
    protected = login_required(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.htmx and not request.user.is_authenticated:
            raise PermissionDenied
        return protected(request, *args, **kwargs)

    return wrapper
