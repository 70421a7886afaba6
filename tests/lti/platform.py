"""A fake LMS for the tests: its own RSA key, its key set and OAuth token endpoint, a
line item that records every score posted to it, and a roster; all behind a requests
adapter, so no test touches the network."""

import json
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://lms.example.edu"
CLIENT_ID = "regimes-tool"
DEPLOYMENT_ID = "deployment-1"
AUTH_URL = f"{ISSUER}/auth"
TOKEN_URL = f"{ISSUER}/token"
KEYSET_URL = f"{ISSUER}/jwks"
LINEITEMS_URL = f"{ISSUER}/courses/7/lineitems"
MEMBERSHIPS_URL = f"{ISSUER}/courses/7/memberships"
LAUNCH_URL = "http://testserver/lti/launch/"
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key, kid: str) -> dict:
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}


@dataclass
class FakePlatform:
    key: object = field(default_factory=new_key)
    kid: str = "platform-key-1"
    published_keys: list = field(default_factory=list)  # (key, kid) pairs in the key set
    scores: list = field(default_factory=list)  # (url, headers, body) of each score POST
    score_status: int = 200
    keyset_fetches: int = 0
    members: list = field(default_factory=list)

    def __post_init__(self):
        self.published_keys = [(self.key, self.kid)]

    def register(self):
        """Register the platform the way an administrator would."""
        from django.core.management import call_command

        call_command(
            "lti_add_platform",
            issuer=ISSUER,
            client_id=CLIENT_ID,
            auth_login_url=AUTH_URL,
            auth_token_url=TOKEN_URL,
            keyset_url=KEYSET_URL,
            deployment_id=[DEPLOYMENT_ID],
            stdout=open("/dev/null", "w"),  # noqa: SIM115
        )

    def claims(self, nonce: str, message_type="LtiResourceLinkRequest", **overrides) -> dict:
        now = int(time.time())
        body = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "sub": "student-42",
            "exp": now + 300,
            "iat": now,
            "nonce": nonce,
            "given_name": "Sam",
            "family_name": "Student",
            "name": "Sam Student",
            "email": "sam@example.edu",
            CLAIM + "deployment_id": DEPLOYMENT_ID,
            CLAIM + "message_type": message_type,
            CLAIM + "version": "1.3.0",
            CLAIM + "roles": [LEARNER],
            CLAIM + "context": {"id": "course-7", "title": "International Security 101"},
            CLAIM + "launch_presentation": {"return_url": "https://school.example.edu/back"},
            "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
                "context_memberships_url": MEMBERSHIPS_URL,
                "service_versions": ["2.0"],
            },
        }
        if message_type == "LtiResourceLinkRequest":
            body[CLAIM + "resource_link"] = {"id": "link-1", "title": "A page"}
        if message_type == "LtiDeepLinkingRequest":
            body["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": f"{ISSUER}/deep_links",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "data": "opaque-platform-data",
            }
        body.update(overrides)
        return {key: value for key, value in body.items() if value is not None}

    def id_token(self, claims: dict, key=None, kid=None, headers=None) -> str:
        header = {"kid": kid or self.kid} if headers is None else headers
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers=header)

    # The platform's HTTP side ----------------------------------------------------------

    def answer(self, request: requests.PreparedRequest) -> tuple[int, dict | list | str]:
        url = request.url
        if url == KEYSET_URL:
            self.keyset_fetches += 1
            return 200, {"keys": [public_jwk(key, kid) for key, kid in self.published_keys]}
        if url == TOKEN_URL:
            form = parse_qs(request.body)
            assert form["grant_type"] == ["client_credentials"]
            return 200, {"access_token": "platform-token", "token_type": "Bearer",
                         "expires_in": 3600, "scope": form["scope"][0]}  # fmt: skip
        if url.startswith(LINEITEMS_URL) and url.endswith("/scores"):
            body = json.loads(request.body)
            # AGS: scoreMaximum MUST come with scoreGiven; without a scoreGiven the
            # platform clears the score it holds.
            if "scoreGiven" in body and "scoreMaximum" not in body:
                return 400, "scoreGiven without scoreMaximum"
            self.scores.append((url, dict(request.headers), body))
            return self.score_status, {} if self.score_status < 400 else "platform trouble"
        if url == MEMBERSHIPS_URL:
            return 200, {"id": url, "context": {"id": "course-7"}, "members": self.members}
        return 404, "no such page"


class FakeAdapter(requests.adapters.BaseAdapter):
    def __init__(self, platform: FakePlatform):
        super().__init__()
        self.platform = platform

    def send(self, request, **kwargs):
        status, body = self.platform.answer(request)
        response = requests.Response()
        response.status_code = status
        response.url = request.url
        response.request = request
        content = body if isinstance(body, str) else json.dumps(body)
        response._content = content.encode()
        response.headers["Content-Type"] = "application/json"
        return response

    def close(self):
        pass


def state_and_nonce(location: str) -> tuple[str, str]:
    query = parse_qs(urlsplit(location).query)
    return query["state"][0], query["nonce"][0]


def fresh_nonce() -> str:
    return uuid.uuid4().hex
