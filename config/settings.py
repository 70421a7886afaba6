"""Settings for Regimes. One file: every difference between deployments is an env var.

DJANGO_DEBUG            "1" for local development; off means production rules apply.
DJANGO_SECRET_KEY       required when DJANGO_DEBUG is off.
DJANGO_ALLOWED_HOSTS    comma-separated host names.
DATABASE_URL            e.g. postgres://user@host:5432/regimes (default: SQLite file).
REDIS_URL               optional; the cache lives in Redis when set.
EMAIL_URL               where mail goes, e.g. smtp://user:pass@host:587/?tls=1.
DJANGO_SECURE_SSL_REDIRECT, DJANGO_SECURE_COOKIES, DJANGO_HSTS_SECONDS,
DJANGO_BEHIND_PROXY     TLS settings; all on by default in production.
DJANGO_STATIC_MANIFEST  "0" serves static files unhashed (tests); default on.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production (DJANGO_DEBUG off) refuses to start "
            "without a secret key; set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "reversion",
    "apps.core",
    "apps.lessons",
    "apps.cases",
    "apps.quizzes",
    "apps.lab",
    "apps.classes",
    "apps.teaching",
    "apps.review",
    "lti_tool",
    "apps.lti",
    "apps.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "apps.core.middleware.privacy_headers",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "apps.core.page_cache.AnonymousPageCacheMiddleware",
    "apps.lti.middleware.lti_cookies",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "apps.lti.middleware.lti_framing",
    "django_htmx.middleware.HtmxMiddleware",
    "apps.core.middleware.limit_request_body",
    "apps.core.middleware.reject_nul_characters",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")


def redis_cache(location: str, *, ignore_errors: bool) -> dict:
    """django-redis with short timeouts and a circuit breaker (apps.core.cache): a Redis
    that refuses or hangs costs at most one 0.25 s wait per process every few seconds."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": 0.25,
            "SOCKET_TIMEOUT": 0.25,
            "CONNECTION_POOL_CLASS": "apps.core.cache.CircuitBreakerPool",
            "IGNORE_EXCEPTIONS": ignore_errors,
        },
    }


# "default": pages, sessions, lab results; without Redis every read misses. "throttle":
# the same Redis, but errors reach apps.core.throttle, which then counts in the database.
if REDIS_URL:
    CACHES = {
        "default": redis_cache(REDIS_URL, ignore_errors=True),
        "throttle": redis_cache(REDIS_URL, ignore_errors=False),
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "throttle": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "throttle",
        },
    }

# Sessions are written to PostgreSQL and read through the cache: no app server keeps state.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Paths whose pages anonymous visitors get from the page cache (apps.core.page_cache),
# besides the home page: pages that read only published content and the query string.
PAGE_CACHE_PREFIXES = ("/lessons/", "/cases/", "/compare/", "/glossary/", "/theories/",
                       "/sources/", "/search/", "/lab/")  # fmt: skip

AUTHENTICATION_BACKENDS = ["apps.core.roles.PermissionBackend"]
# Argon2id (apps.core.hashers says why); PBKDF2 stays to check, then upgrade, older hashes.
PASSWORD_HASHERS = [
    "apps.core.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "site:home"


def mailer_from_url(url: str) -> dict:
    """EMAIL_URL → a mailer: smtp://user:pass@host:587/?tls=1 (STARTTLS), smtps://… (TLS
    from the start, port 465 by default), or console: (print mails, for development)."""
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ImproperlyConfigured(
            f"EMAIL_URL must look like smtp://user:password@host:587/?tls=1 (got {url!r})."
        )
    query = parse_qs(parts.query)
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": parts.hostname,
            "port": parts.port or (465 if parts.scheme == "smtps" else 25),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_ssl": parts.scheme == "smtps",
            "use_tls": query.get("tls", ["0"])[0] in ("1", "true", "yes", "on"),
            "timeout": 10,
        },
    }


# Without EMAIL_URL, development prints mails; production has no mailer, so the password
# reset page says reset by email is unavailable (and `check --deploy` warns).
EMAIL_URL = os.environ.get("EMAIL_URL", "")
MAILERS = {"default": mailer_from_url(EMAIL_URL or "console:")} if EMAIL_URL or DEBUG else {}
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Regimes <noreply@localhost>")

LANGUAGE_CODE = "en-gb"
# Times are entered and shown in this zone (e.g. Europe/London); stored in UTC.
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "apps.core.storage.StaticFilesStorage"
        if env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)

# No request body may be larger, uploads included (apps.core.middleware): a clear 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# Security. Production defaults are strict; a TLS-terminating proxy sets DJANGO_BEHIND_PROXY.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline script or style anywhere: htmx is configured not to inject its indicator styles.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
