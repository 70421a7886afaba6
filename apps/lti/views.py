"""The LTI endpoints: OIDC login, launch, the tool's key set, the deep-linking picker,
and the course page where the course's instructors see score sends and sync the roster."""

from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.csp import CSP
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from lti_tool.models import Key, LtiRegistration
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException
from pylti1p3.lineitem import LineItem

from apps.classes.services import TeachesThisClass
from apps.lti import catalogue, services
from apps.lti.forms import PickForm
from apps.lti.framing import SESSION_ORIGINS, launch_origins, origin
from apps.lti.launch import LaunchRefused, oidc_login, validated_launch
from apps.lti.models import ScoreSend

SESSION_DEEP_LINKING = "lti_deep_linking"
LOGIN_PARAMETERS = (
    "iss", "login_hint", "target_link_uri", "lti_message_hint", "lti_deployment_id", "client_id",
)  # fmt: skip


def refused(request: HttpRequest, reason: str, status: int = 400) -> HttpResponse:
    return render(request, "lti/refused.html", {"reason": reason}, status=status)


@csrf_exempt  # the platform posts here from its own site; the OIDC state protects it
@require_http_methods(["GET", "POST"])
def login_initiation(request: HttpRequest) -> HttpResponse:
    """Third-party-initiated login: check that the browser keeps cookies in the frame
    (the page's script, or a link for browsers without it), then redirect to the
    platform's authorisation endpoint with a fresh state and nonce."""
    params = request.POST if request.method == "POST" else request.GET
    missing = [name for name in ("iss", "login_hint", "target_link_uri") if not params.get(name)]
    if missing:
        return refused(request, f"The login request lacks: {', '.join(missing)}.")
    if not params.get("lti1p3_new_window"):
        query = {name: params[name] for name in LOGIN_PARAMETERS if params.get(name)}
        query["lti1p3_new_window"] = "1"
        return render(
            request,
            "lti/cookie_check.html",
            {"continue_url": f"{reverse('lti:login')}?{urlencode(query)}"},
        )
    if params["target_link_uri"] != request.build_absolute_uri(reverse("lti:launch")):
        return refused(request, "The login names a launch address that is not this tool's.")
    try:
        return oidc_login(request).redirect(params["target_link_uri"])
    except LtiException as error:
        return refused(request, f"The login was refused: {error}.")


@csrf_exempt  # the id_token's signature, state and nonce are the launch's protection
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    """A resource link opens its page; a deep-linking request opens the picker. A refused
    launch answers 4xx with the reason and writes nothing."""
    try:
        message = validated_launch(request)
        result = services.record_launch(message)
    except LaunchRefused as error:
        return refused(request, str(error), status=403)
    registration = message.get_tool_conf().registration
    login(request, result.user)
    request.session[SESSION_ORIGINS] = launch_origins(registration, message.get_launch_data())
    if result.deep_linking is not None:
        if result.role == services.CourseRole.Role.STUDENT:
            return refused(request, "Only the course's instructors can add pages.", status=403)
        request.session[SESSION_DEEP_LINKING] = result.deep_linking
        return redirect("lti:pick")
    return redirect(result.item.url)


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    """The tool's public keys, the retired ones left out."""
    return JsonResponse(Key.objects.as_jwks())


@require_http_methods(["GET", "POST"])
def pick(request: HttpRequest) -> HttpResponse:
    """The deep-linking picker: tick pages, and a signed answer goes back to the platform."""
    pending = request.session.get(SESSION_DEEP_LINKING)
    if not request.user.is_authenticated or pending is None:
        raise PermissionDenied
    items = catalogue.items()
    form = PickForm(request.POST if request.method == "POST" else None, choices=items)
    if request.method == "POST" and form.is_valid():
        chosen = [item for item in items if item.ref in form.cleaned_data["pages"]]
        return _deep_linking_answer(request, pending, chosen)
    return render(request, "lti/pick.html", {"form": form, "items": items})


def _resource(request: HttpRequest, item: catalogue.Item) -> DeepLinkResource:
    resource = (
        DeepLinkResource()
        .set_url(request.build_absolute_uri(reverse("lti:launch")))
        .set_title(item.title)
        .set_custom_params({services.ITEM_PARAMETER: item.ref})
    )
    if item.score_maximum:
        resource.set_lineitem(
            LineItem()
            .set_label(item.title)
            .set_score_maximum(item.score_maximum)
            .set_resource_id(item.ref)
        )
    return resource


def _deep_linking_answer(request, pending: dict, chosen: list) -> HttpResponse:
    registration = LtiRegistration.objects.active().filter(pk=pending["registration"]).first()
    if registration is None:
        raise Http404
    deep_link = DeepLink(
        registration.to_registration(), pending["deployment_id"], pending["settings"]
    )
    token = deep_link.get_response_jwt([_resource(request, item) for item in chosen])
    del request.session[SESSION_DEEP_LINKING]
    return_url = pending["settings"]["deep_link_return_url"]
    response = render(
        request,
        "lti/deep_link_return.html",
        {
            "return_url": return_url,
            "token": token,
            "chosen": chosen,
            "course_id": pending["course"],
        },
    )
    # The answer is a form posted to the platform: allow that one origin as a target.
    response._csp_config = {
        **settings.SECURE_CSP,
        "form-action": [CSP.SELF, origin(return_url)],
    }
    return response


def _course_for_staff(request: HttpRequest, course_id: int):
    course = services.course_for_staff(request.user, course_id)
    if course is None:
        raise Http404
    return course


@login_required
@require_GET
def course(request: HttpRequest, course_id: int) -> HttpResponse:
    """The course's score sends with their state, and the roster button."""
    course = _course_for_staff(request, course_id)
    sends = ScoreSend.objects.filter(link__course=course).select_related(
        "link__quiz", "lti_user__auth_user"
    )[:200]
    return render(request, "lti/course.html", {"course": course, "sends": sends})


@login_required
@require_POST
def sync_roster(request: HttpRequest, course_id: int) -> HttpResponse:
    course = _course_for_staff(request, course_id)
    try:
        counts = services.sync_roster(course)
    except (LtiException, requests.RequestException) as error:
        messages.error(request, f"The platform's roster could not be read: {error}")
        return redirect("lti:course", course_id=course.pk)
    except TeachesThisClass:
        messages.error(
            request,
            "Roster not synced: the platform lists as a learner someone who teaches this "
            "course's class here. Take them off its teachers, then sync again.",
        )
        return redirect("lti:course", course_id=course.pk)
    messages.success(
        request,
        f"Roster synced: {counts['added']} added, {counts['updated']} updated, "
        f"{counts['removed']} removed.",
    )
    return redirect("lti:course", course_id=course.pk)
