"""Checking an LTI 1.3 launch: pylti1p3 does the OIDC state, the registration lookup and
the message-type rules; this module closes the gaps it leaves (see docs/lti.md):

- the id_token's `aud`, `azp`, `iss`, `exp` and `iat` are all checked, with a small
  leeway, where the library skips `aud` and `azp` and allows no clock skew;
- the platform's key set is cached and fetched again when a token names an unknown `kid`
  (a platform that rotated its keys), instead of failing until the cache expires;
- an unknown or inactive deployment is refused, where django-lti would quietly create an
  inactive deployment record;
- the nonce is single-use: `services.record_launch` stores it, and a replay is refused.
"""

import jwt
import requests
from django.core.cache import cache
from jwt.algorithms import RSAAlgorithm
from lti_tool.models import LtiDeployment
from lti_tool.utils import DjangoToolConfig
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiException

LEEWAY_SECONDS = 60
KEY_SET_CACHE_SECONDS = 3600
FETCH_TIMEOUT_SECONDS = 5
RESOURCE_LINK = "LtiResourceLinkRequest"
DEEP_LINKING = "LtiDeepLinkingRequest"
SUPPORTED_MESSAGES = {RESOURCE_LINK, DEEP_LINKING}
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"


class LaunchRefused(Exception):
    """The launch is refused; the message says why, in words for the person who sees it."""


class PlatformSession(requests.Session):
    """Every call gets a timeout: the libraries make theirs without one, and a platform
    that never answers must not hold a student's request."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", FETCH_TIMEOUT_SECONDS)
        return super().request(*args, **kwargs)


def platform_session() -> requests.Session:
    """The HTTP session for every call to a platform (key sets, tokens, scores, rosters).
    One place, so the tests can put a fake platform behind it."""
    return PlatformSession()


class ToolConfig(DjangoToolConfig):
    """django-lti's configuration, except that a deployment must already be registered and
    active: an unknown id is refused, and nothing is created for it."""

    def _active_deployment(self, **lookups):
        self.deployment = (
            LtiDeployment.objects.active()
            .filter(registration__is_active=True, **lookups)
            .select_related("registration")
            .first()
        )
        if self.deployment is None:
            return None
        return Deployment().set_deployment_id(self.deployment.deployment_id)

    def find_deployment(self, iss, deployment_id):
        return self._active_deployment(registration__issuer=iss, deployment_id=deployment_id)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        return self._active_deployment(
            registration__issuer=iss,
            registration__client_id=client_id,
            deployment_id=deployment_id,
        )


def _key_set_cache_key(url: str) -> str:
    return f"lti:keyset:{url}"


def fetch_key_set(url: str, refresh: bool = False) -> dict:
    """The platform's public key set, from the cache unless `refresh`."""
    key = _key_set_cache_key(url)
    if not refresh and (cached := cache.get(key)):
        return cached
    try:
        response = platform_session().get(url)
        response.raise_for_status()
        key_set = response.json()
    except (requests.RequestException, ValueError) as error:
        raise LaunchRefused(f"The platform's key set could not be read ({url}).") from error
    if not isinstance(key_set, dict) or not isinstance(key_set.get("keys"), list):
        raise LaunchRefused(f"The platform's key set at {url} is not a JSON key set.")
    cache.set(key, key_set, KEY_SET_CACHE_SECONDS)
    return key_set


def _find_key(key_set: dict, kid: str):
    for jwk in key_set["keys"]:
        if isinstance(jwk, dict) and jwk.get("kid") == kid:
            return RSAAlgorithm.from_jwk(jwk)
    return None


class MessageLaunch(DjangoMessageLaunch):
    def __init__(self, request):
        super().__init__(
            request,
            ToolConfig(),
            launch_data_storage=DjangoCacheDataStorage(),
            requests_session=platform_session(),
        )

    def validate_jwt_signature(self):
        header = self._jwt.get("header", {})
        kid = header.get("kid")
        if not kid:
            raise LaunchRefused("The id_token names no signing key (kid).")
        if header.get("alg") != "RS256":
            raise LaunchRefused("The id_token must be signed with RS256.")
        url = self._registration.get_key_set_url()
        public_key = _find_key(fetch_key_set(url), kid)
        if public_key is None:
            # A platform that rotated its keys: fetch once more before refusing.
            public_key = _find_key(fetch_key_set(url, refresh=True), kid)
        if public_key is None:
            raise LaunchRefused(f"The platform's key set has no key with kid “{kid}”.")
        client_id = self._registration.get_client_id()
        try:
            body = jwt.decode(
                self._get_id_token(),
                public_key,
                algorithms=["RS256"],
                audience=client_id,
                issuer=self._registration.get_issuer(),
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub", "nonce"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise LaunchRefused("The id_token has expired (check the clocks).") from error
        except jwt.InvalidAudienceError as error:
            raise LaunchRefused("The id_token is not addressed to this tool (aud).") from error
        except jwt.ImmatureSignatureError as error:
            raise LaunchRefused(
                "The id_token was issued in the future (check the clocks)."
            ) from error
        except jwt.MissingRequiredClaimError as error:
            raise LaunchRefused(f"The id_token lacks the “{error.claim}” claim.") from error
        except jwt.InvalidSignatureError as error:
            raise LaunchRefused("The id_token's signature does not match.") from error
        except jwt.InvalidTokenError as error:
            raise LaunchRefused(f"The id_token is not valid: {error}.") from error
        audiences = body["aud"] if isinstance(body["aud"], list) else [body["aud"]]
        azp = body.get("azp")
        if (len(audiences) > 1 and azp is None) or (azp is not None and azp != client_id):
            raise LaunchRefused("The id_token's authorised party (azp) is not this tool.")
        return self

    def validate_message(self):
        message_type = self._get_jwt_body().get(CLAIM + "message_type")
        if message_type not in SUPPORTED_MESSAGES:
            raise LaunchRefused(f"This tool does not handle “{message_type}” messages.")
        return super().validate_message()


def validated_launch(request) -> MessageLaunch:
    """The request's launch, fully checked; LaunchRefused names the first failed check."""
    try:
        launch = MessageLaunch(request)
        launch.validate()
    except LtiException as error:
        raise LaunchRefused(str(error)) from error
    return launch


def oidc_login(request) -> DjangoOIDCLogin:
    return DjangoOIDCLogin(request, ToolConfig(), launch_data_storage=DjangoCacheDataStorage())
