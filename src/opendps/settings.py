"""Django settings, read from the environment.

With no configuration OpenDPS runs on SQLite under ``./var/``; ``DATABASE_URL`` switches to
PostgreSQL. Secrets that are not given are generated into ``./var/`` on first run.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, SELF

from opendps.core.keys import read_or_create_secret

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("OPENDPS_VAR_DIR", Path.cwd() / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("OPENDPS_DEBUG")
TESTING = env_bool("OPENDPS_TESTING")
SECRET_KEY = os.environ.get("OPENDPS_SECRET_KEY") or read_or_create_secret(
    VAR_DIR / "secret_key", lambda: secrets.token_urlsafe(50)
)
ALLOWED_HOSTS = os.environ.get("OPENDPS_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("OPENDPS_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]
SITE_URL = os.environ.get("OPENDPS_SITE_URL", "http://127.0.0.1:8000")
# Registered with the Open Contracting Partnership; a placeholder of that form by default
# (publication.checks: malformed is an error at start, the placeholder a deploy warning).
OPENDPS_OCID_PREFIX = os.environ.get("OPENDPS_OCID_PREFIX", "ocds-xxxxxx")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "huey.contrib.djhuey",
    "ninja",
    "opendps.core",
    "opendps.accounts",
    "opendps.notifications",
    "opendps.markets",
    "opendps.membership",
    "opendps.competitions",
    "opendps.contracts",
    "opendps.challenges",
    "opendps.insights",
    "opendps.publication",
    "opendps.alerts",
    "opendps.brokerage",
    "opendps.availability",
    "opendps.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Counts 5xx answers to tender submissions per minute (incident-aware deadlines).
    "opendps.availability.middleware.AvailabilityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before any work is done for a request over the API's rate limits (web/api_rate.py).
    "opendps.web.api_rate.ApiRateLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "opendps.web.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns locked-out sign-ins into the lockout response.
    "axes.middleware.AxesMiddleware",
    "opendps.web.middleware.DomainErrorMiddleware",
    "opendps.web.middleware.ErrorPageMiddleware",
    "opendps.core.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "opendps.urls"
WSGI_APPLICATION = "opendps.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "opendps.web.jinja.environment",
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
                "opendps.web.context.navigation",
            ],
        },
    },
    {
        # Django's admin and built-in forms still use Django templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # A random page read costs about what a sequential one does on SSDs and cloud
        # volumes; PostgreSQL's default (4) assumes spinning disks and made it scan every
        # call rather than follow the index to one supplier's few thousand (BENCHMARKS.md).
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _page_cost = os.environ.get("OPENDPS_PG_RANDOM_PAGE_COST", "1.1")
        _options["options"] = f"{_options.get('options', '')} -c random_page_cost={_page_cost}"
        # Parameters sent apart from the SQL (server-side binding), so the SQL text of one
        # query is the same on every request and psycopg prepares it on the connection after
        # its fifth run: the database plans it once, not per request (planning was a third
        # of a list's time in PostgreSQL, issue 17). "off" where a pooler in transaction
        # mode (PgBouncer before 1.21) cannot keep prepared statements (docs/deploy.md).
        if env_bool("OPENDPS_PG_PREPARE", default=True):
            _options |= {"server_side_binding": True, "prepare_threshold": 5}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "opendps.sqlite3"),
            "OPTIONS": {
                # Several processes (web workers, the job worker) write to one file: WAL lets
                # readers and a writer overlap, IMMEDIATE takes the write lock at BEGIN so a
                # transaction never fails half-way with "database is locked", and the busy
                # timeout makes a waiting writer queue instead of erroring.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
            "TEST": {"NAME": str(VAR_DIR / "test_opendps.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and security ------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

# Sign-in throttling (django-axes): 5 failures per email and address lock for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("OPENDPS_SIGNIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "opendps.accounts.views.signin_locked_out"
AXES_VERBOSE = False

SECURE_BEHIND_TLS = env_bool("OPENDPS_TLS")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = SECURE_BEHIND_TLS
SECURE_SSL_REDIRECT = SECURE_BEHIND_TLS
SECURE_HSTS_SECONDS = 31536000 if SECURE_BEHIND_TLS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_BEHIND_TLS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = 60 * 60 * 8

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": ["'none'"],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": ["'none'"],
    }
}

# --- Internationalisation: English and Welsh --------------------------------------------
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
# The Welsh catalogue ships in the package (src/opendps/locale, compiled .mo committed);
# `make messages` refreshes it. The toggle's choice lives in a cookie for a year.
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files (GOV.UK Frontend assets come from npm, not from the repository) -------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
GOVUK_FRONTEND_DIST = Path(
    os.environ.get(
        "OPENDPS_GOVUK_FRONTEND", BASE_DIR.parent.parent / "node_modules/govuk-frontend/dist/govuk"
    )
)
STATICFILES_DIRS = [("govuk", GOVUK_FRONTEND_DIST)] if GOVUK_FRONTEND_DIST.exists() else []
WHITENOISE_USE_FINDERS = True
# The GOV.UK stylesheet asks for its fonts and images at /assets/…
WHITENOISE_ROOT = GOVUK_FRONTEND_DIST if GOVUK_FRONTEND_DIST.exists() else None
MEDIA_ROOT = VAR_DIR / "media"
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Sealed tender documents and evidence in S3-compatible object storage, so every web node
# sees every file: OPENDPS_S3_BUCKET turns it on (the local folder is the default). Sealed
# documents are ciphertext there as on disk.
OPENDPS_S3_BUCKET = os.environ.get("OPENDPS_S3_BUCKET", "")
if OPENDPS_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": OPENDPS_S3_BUCKET,
            "endpoint_url": os.environ.get("OPENDPS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("OPENDPS_S3_REGION", "eu-west-2"),
            "access_key": os.environ.get("OPENDPS_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("OPENDPS_S3_SECRET_ACCESS_KEY") or None,
            "default_acl": None,  # private: the bucket's own policy, never public-read
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }

# --- Email: sent by a background job through Django's SMTP backend ----------------------
EMAIL_BACKEND = "opendps.notifications.backends.QueuedEmailBackend"
OPENDPS_DELIVERY_EMAIL_BACKEND = os.environ.get(
    "OPENDPS_DELIVERY_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("OPENDPS_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("OPENDPS_EMAIL_PORT", "1025"))
EMAIL_HOST_USER = os.environ.get("OPENDPS_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("OPENDPS_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("OPENDPS_EMAIL_TLS")
EMAIL_TIMEOUT = 10
# PA 2023 s 37: removals of excluded suppliers are reported to the appropriate authority.
OPENDPS_EXCLUSION_REPORT_EMAIL = os.environ.get(
    "OPENDPS_EXCLUSION_REPORT_EMAIL", "debarment-review@procurement-review.example"
)
# Where help requests and feedback from the service's pages go.
OPENDPS_SUPPORT_EMAIL = os.environ.get("OPENDPS_SUPPORT_EMAIL", "support@opendps.example")
DEFAULT_FROM_EMAIL = os.environ.get("OPENDPS_FROM_EMAIL", "OpenDPS <no-reply@opendps.local>")

# --- Cache: per process by default; Redis when OPENDPS_REDIS_URL is set ------------------
# Forecast fits and market health are cached: with Redis one computation serves every web
# node and worker instead of each process computing its own.
OPENDPS_REDIS_URL = os.environ.get("OPENDPS_REDIS_URL", "")
if OPENDPS_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "opendps.core.cache.RedisCache",
            "LOCATION": OPENDPS_REDIS_URL,
            "KEY_PREFIX": "opendps",
            "TIMEOUT": 3600,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# API tokens looked up once and kept 30 s in the shared cache (accounts/token_cache.py): on
# by itself with Redis, never with a cache per process; "off" turns it off, "on" forces it.
_TOKEN_CACHE = os.environ.get("OPENDPS_TOKEN_CACHE", "").strip().lower()
OPENDPS_TOKEN_CACHE = {"on": True, "1": True, "off": False, "0": False}.get(_TOKEN_CACHE)

# --- API rate limits (opendps/web/api_rate.py): per token and per client address, in the
# default cache (shared by every node with Redis). "0" or "off" turns one off.
OPENDPS_API_RATE_LIMIT = os.environ.get("OPENDPS_API_RATE_LIMIT", "120/minute")
OPENDPS_API_ADDRESS_RATE_LIMIT = os.environ.get("OPENDPS_API_ADDRESS_RATE_LIMIT", "600/minute")
OPENDPS_API_CLIENT_ADDRESS_HEADER = os.environ.get("OPENDPS_API_CLIENT_ADDRESS_HEADER", "")

# --- Background jobs (huey): SQLite by default, Redis when HUEY_REDIS_URL is set --------
HUEY_REDIS_URL = os.environ.get("HUEY_REDIS_URL", "")
HUEY: dict[str, object] = {
    "name": "opendps",
    "immediate": env_bool("OPENDPS_HUEY_IMMEDIATE", default=TESTING),
    "consumer": {"workers": 2, "worker_type": "thread"},
}
if HUEY_REDIS_URL:
    HUEY |= {"huey_class": "huey.RedisHuey", "url": HUEY_REDIS_URL}
else:
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")}

# --- API -------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("OPENDPS_LOG_LEVEL", "WARNING")},
}
