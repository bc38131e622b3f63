"""Settings of eduboard, read from the environment.

`DJANGO_ENV` is `development` (the default: SQLite, console e-mail) or `production` (a SECRET_KEY is
required, secure cookies, HSTS, SSL redirect); any other value stops the start. DEBUG is off everywhere
unless `DEBUG=1` is set: the demonstration then shows the friendly error pages, never Django's technical ones."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent  # the repository root
SRC_DIR = BASE_DIR / "src"


def env_bool(name: str, default: bool) -> bool:
    """A boolean from the environment: 1/true/yes/on are true."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """A comma-separated list from the environment."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DJANGO_ENVIRONMENTS = ("development", "production")
DJANGO_ENV = os.environ.get("DJANGO_ENV", "development")
if DJANGO_ENV not in DJANGO_ENVIRONMENTS:
    # A typo ("prod") must not start the development mode, with its development secret, on a server.
    raise ImproperlyConfigured(
        f"DJANGO_ENV={DJANGO_ENV!r} is not known: set it to one of {', '.join(DJANGO_ENVIRONMENTS)} "
        "(or leave it unset for development)."
    )
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production.")
    # A development-only key; never used in production (see the check above).
    SECRET_KEY = "dev-insecure-eduboard-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "django_countries",
    "django_htmx",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    "eduboard.core",
    "eduboard.registry",
    "eduboard.people",
    "eduboard.interest",
    "eduboard.finance",
    "eduboard.quality",
    "eduboard.projects",
    "eduboard.assets",
    "eduboard.surveys",
    "eduboard.prevention",
    "eduboard.dataquality",
    "eduboard.exchange",
    "eduboard.opendata",
    "eduboard.centre",
    "eduboard.events",
    "eduboard.competitions",
    "eduboard.courses",
    "eduboard.materials",
    "eduboard.credentials",
    "eduboard.accounts",
    "eduboard.privacy",
    "eduboard.reports",
    "eduboard.demo",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # A person's own writes read at once; others' figures at most FIGURES_STALE_SECONDS late (core.freshness).
    "eduboard.core.freshness.FreshnessMiddleware",
    "eduboard.core.middleware.DefaultLanguageMiddleware",
    "eduboard.core.middleware.InputLimitsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A request's writes renew the cached figures of its user's institutions or boards only (core.figures_cache).
    "eduboard.core.figures_cache.WriterMiddleware",
    # PostgreSQL: a signed-in user's queries held to their boards by row-level security (core.board_wall).
    "eduboard.core.board_wall.BoardWallMiddleware",
    # Messages before the session limits, which tell a user whose session they end why.
    "django.contrib.messages.middleware.MessageMiddleware",
    "eduboard.accounts.middleware.SessionLimitsMiddleware",
    "eduboard.accounts.middleware.SignInRequiredMiddleware",
    "eduboard.core.middleware.PrivacyHeadersMiddleware",
    "eduboard.core.middleware.RefuseControlCharactersMiddleware",
    "eduboard.core.middleware.DatabaseBusyMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "eduboard.accounts.middleware.RequireSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # An address that takes a form, opened as a page, answers with a page saying so (405 kept), not a blank one.
    "eduboard.core.method_pages.MethodNotAllowedPageMiddleware",
    "eduboard.accounts.middleware.AuditTrailMiddleware",  # auditlog's, with the address from a trusted proxy only
    # Axes last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "eduboard.urls"
WSGI_APPLICATION = "eduboard.wsgi.application"
ASGI_APPLICATION = "eduboard.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "eduboard.accounts.context_processors.navigation",
                "eduboard.core.freshness.figures_freshness",
            ],
        },
    },
]

# --- Database: SQLite file by default, anything dj-database-url understands via DATABASE_URL.
DEFAULT_SQLITE = f"sqlite:///{BASE_DIR / 'var' / 'eduboard.sqlite3'}"
# A connection kept between requests (conn_max_age) is checked before a request uses it (conn_health_checks): after
# the database restarts or fails over, the next request connects again instead of failing on the dropped one.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", DEFAULT_SQLITE), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # The server and the worker write one file: write-ahead logging lets readers go on during a write, and
    # transactions that take the write lock when they begin cannot deadlock as "database is locked".
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    # Tests on a file beside the database, locked as in production (an in-memory test database shares its cache
    # between connections and answers "table is locked" at once instead of waiting); one file per test process.
    _name = Path(DATABASES["default"]["NAME"])
    DATABASES["default"]["TEST"] = {"NAME": str(_name.with_name(f"test_{os.getpid()}_{_name.name}"))}
# Behind PgBouncer in transaction mode (DATABASE_POOL_MODE=transaction; docs/operations.md, "A cluster"), a
# connection's queries may reach a different server session after every transaction: nothing may live in the
# session. Django's server-side cursors (WITH HOLD outside a transaction) and psycopg's prepared statements do;
# the board wall (core.board_wall) is then set per request transaction instead of per session.
DATABASE_POOL_MODE = os.environ.get("DATABASE_POOL_MODE", "session")
if DATABASE_POOL_MODE not in ("session", "transaction"):
    raise ImproperlyConfigured(f"DATABASE_POOL_MODE={DATABASE_POOL_MODE!r}: set it to session or transaction.")
if DATABASE_POOL_MODE == "transaction":
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
# A streaming replica of a PostgreSQL primary (core.replica): statistics, reports and exports read from it.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=60, conn_health_checks=True
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["eduboard.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and sign-in security
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # must be first: it refuses locked-out users
    "eduboard.accounts.backends.RoleBackend",
]
# At least 12 characters, not one of the common passwords (Django's list of 20,000), not like the user's names or
# e-mail address, not all digits.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "reports:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# The client's address: REMOTE_ADDR, or, when the request comes from one of these proxies (addresses or networks,
# e.g. "127.0.0.1,10.0.0.0/8"), the address the proxies name in X-Forwarded-For (eduboard.core.addresses).
# Empty: X-Forwarded-For is ignored, so nobody can choose their own address by sending the header.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")
AXES_CLIENT_IP_CALLABLE = "eduboard.core.addresses.client_address"

# Wrong passwords lock sign-in (django-axes, eduboard.accounts.lockout), each kind with its own limit within the
# cool-off: a username at one address (AXES_FAILURE_LIMIT), a username from any address (a password spread over
# many addresses), an address for any username (one address trying many accounts). A lock lifts AXES_COOLOFF_HOURS
# after the last wrong password that counted, so guessing is slowed to a few tries an hour, then locked again; tries
# refused during a lock do not prolong it (a school sharing one address is not kept out by its own retries).
AXES_HANDLER = "eduboard.accounts.lockout.SignInLockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_USERNAME_FAILURE_LIMIT = int(os.environ.get("AXES_USERNAME_FAILURE_LIMIT", "10"))
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "25"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))  # hours
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "eduboard.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Sessions end after this many minutes without a request and this many hours after sign-in, whatever the activity;
# shorter for the board's roles, who see every institution (eduboard.accounts.sessions). The cookie lives no longer
# than the longest session and ends when the browser closes (shared school computers).
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "60"))
SESSION_IDLE_MINUTES_BOARD = int(os.environ.get("SESSION_IDLE_MINUTES_BOARD", "30"))
SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "12"))
SESSION_MAX_HOURS_BOARD = int(os.environ.get("SESSION_MAX_HOURS_BOARD", "8"))
SESSION_COOKIE_AGE = max(SESSION_MAX_HOURS, SESSION_MAX_HOURS_BOARD) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Password-reset e-mails: at most this many an hour to one account, and requests from one address an hour.
PASSWORD_RESETS_PER_ACCOUNT_HOUR = int(os.environ.get("PASSWORD_RESETS_PER_ACCOUNT_HOUR", "3"))
PASSWORD_RESETS_PER_ADDRESS_HOUR = int(os.environ.get("PASSWORD_RESETS_PER_ADDRESS_HOUR", "10"))

OTP_TOTP_ISSUER = "eduboard"

# --- Internationalisation: Latvian first.
LANGUAGE_CODE = "lv"
LANGUAGES = [("lv", _("Latvian")), ("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as the board writes them: 20.08.2024. in Latvian (src/eduboard/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["eduboard.formats"]
TIME_ZONE = "Europe/Riga"
USE_I18N = True
USE_TZ = True

# --- Static files, served by whitenoise.
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "staticfiles"))
# Source maps are for developers' tools, not for browsers' downloads: collectstatic does not compress them
# (half its time; see docs/operations.md).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded and report files (core.stored_files): the file system under MEDIA_ROOT, or an S3-compatible bucket with
# STORAGE_S3_BUCKET (every application server and worker then sees the same files; django-storages' S3 backend).
STORAGE_S3_BUCKET = os.environ.get("STORAGE_S3_BUCKET", "")
DEFAULT_STORAGE: dict[str, Any] = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_S3_BUCKET,
            "endpoint_url": os.environ.get("STORAGE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("STORAGE_S3_REGION") or None,
            "access_key": os.environ.get("STORAGE_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("STORAGE_S3_SECRET_KEY") or None,
            "location": os.environ.get("STORAGE_S3_PREFIX", ""),
            # Files are children's data: never public, never served by the bucket; eduboard's views serve them.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": True,
        },
    }
    if STORAGE_S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Whitenoise serves static files even under `runserver` with DEBUG off: in development straight from the
# source folders (no collectstatic needed) and re-read on every request, so edits show at once.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))

# --- E-mail: console by default.
# Pages hand e-mails to the task queue (eduboard.core.mail.TaskEmailBackend); the worker sends them through
# EMAIL_DELIVERY_BACKEND (SMTP with the settings below in production, the console by default).
EMAIL_BACKEND = "eduboard.core.mail.TaskEmailBackend"
EMAIL_DELIVERY_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "eduboard <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- REST API
# Days an API token lives unless its owner chooses fewer (at most 365).
API_TOKEN_LIFETIME_DAYS = int(os.environ.get("API_TOKEN_LIFETIME_DAYS", "90"))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "eduboard.accounts.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["eduboard.accounts.permissions.RolePermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "eduboard.core.filters.FilterBackend",
        "eduboard.core.filters.LatvianOrderingFilter",
    ],
    # The API reads JSON only: a form-encoded body cannot leave out a list and have it read as empty (415 answers
    # any other type).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Per-user throttling: a token cannot walk the whole city's records at machine speed.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "60/minute"),
        "user": os.environ.get("API_THROTTLE_USER", "1200/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "eduboard.core.openapi.Schema",
    # Every error is JSON: a protected delete answers 409 with what refers to the object (eduboard.core.openapi).
    "EXCEPTION_HANDLER": "eduboard.core.openapi.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "eduboard API",
    "DESCRIPTION": "The API of eduboard, the information system of a city education board.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # What a request may hold is stricter than what an answer shows (a personal code in full, not masked; a name
    # not blank): requests have components of their own (`GroupRequest`, `PatchedGroupRequest`).
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents its error answers (400/401/403/404/409/429) with one `Error` schema.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "eduboard.core.openapi.constrain_inputs",
        "eduboard.core.openapi.require_versions",
        "eduboard.core.openapi.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ProgrammeLevelEnum": "eduboard.registry.choices.ProgrammeLevel",
        "SettlementLevelEnum": "eduboard.finance.choices.SettlementLevel",
        "CountryEnum": "django_countries.countries",
        "QualityLevelEnum": "eduboard.quality.choices.QualityLevel",
    },
    # The docs page loads its assets from our own static files (no CDN: CSP and offline use).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # In production the schema and its docs page are for signed-in people only; open in development.
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.IsAuthenticated" if PRODUCTION else "rest_framework.permissions.AllowAny"
    ],
}

# A new board's day self-assessments are due on, (month, day) after their school year ends (1 October); each board then
# keeps its own (Board.self_assessment_due, on its page).
SELF_ASSESSMENT_DUE = (10, 1)

# --- Content-Security-Policy: nothing inline, nothing from other hosts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Security in production.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("BEHIND_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Background work: Django's Tasks API (the django-tasks backport). Imports, report files and e-mails are
# tasks run by a worker process beside the server (`manage.py worker`, started by `make demo`): the database
# backend by default; with REDIS_URL, RQ on Redis, so workers may run on other machines (docs/operations.md).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    INSTALLED_APPS.append("django_rq")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 6 * 3600}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A running job proves it is alive every few seconds; one silent for this long is marked failed (its worker died).
JOB_LEASE_SECONDS = int(os.environ.get("JOB_LEASE_SECONDS", "60"))
# A job whose worker died is queued again for another worker this many times, then marked failed (core.jobs).
JOB_RETAKES = int(os.environ.get("JOB_RETAKES", "2"))
# The CPU weight (nice, 0-19) of an import in a worker: pages and their figures are served first (core.priority).
IMPORT_CPU_NICE = int(os.environ.get("IMPORT_CPU_NICE", "10"))
# An import's uploaded file is deleted when the import is saved; a refused or failed one is kept this long (retry).
IMPORT_FAILED_RETENTION_DAYS = int(os.environ.get("IMPORT_FAILED_RETENTION_DAYS", "7"))
# Imported files: upload limits (the national learners file is about 30 MB as CSV, 18.5 MB as XLSX unpacking to
# 187 MB) and, against XLSX "zip bombs", the most its parts may unpack to and the most one part may grow.
IMPORT_MAX_UPLOAD_BYTES = int(os.environ.get("IMPORT_MAX_UPLOAD_BYTES", str(64 * 1024 * 1024)))
IMPORT_MAX_INSTITUTION_UPLOAD_BYTES = int(os.environ.get("IMPORT_MAX_INSTITUTION_UPLOAD_BYTES", str(8 * 1024 * 1024)))
IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES = int(os.environ.get("IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES", str(512 * 1024 * 1024)))
IMPORT_MAX_XLSX_COMPRESSION_RATIO = int(os.environ.get("IMPORT_MAX_XLSX_COMPRESSION_RATIO", "100"))
# Progress, heartbeats, throttles: shared by the server's and the workers' processes.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("CACHE_DIR", str(BASE_DIR / "var" / "cache")),
        }
    )
}

# Figures computed once per change (core.figures_cache, core.freshness): while one process computes an entry, the
# others serve its previous answer, labelled with its time, for at most FIGURES_STALE_SECONDS, then wait; the lock
# lasts at most FIGURES_LOCK_SECONDS. A browser that wrote reads its own writes for READ_YOUR_WRITES_SECONDS.
FIGURES_STALE_SECONDS = float(os.environ.get("FIGURES_STALE_SECONDS", "5"))
FIGURES_LOCK_SECONDS = int(os.environ.get("FIGURES_LOCK_SECONDS", "30"))
# A cached figure that reads rows its entry's tokens do not cover (core.figures_cache.reads_beyond_scope, a cached
# figure read inside another) is served but not kept, and the error is logged; the tests set it to fail instead.
FIGURES_STRICT = os.environ.get("FIGURES_STRICT", "") == "1"
READ_YOUR_WRITES_SECONDS = int(os.environ.get("READ_YOUR_WRITES_SECONDS", "10"))

# Personal data in bulk: an export with full personal codes of more rows than this asks for the password (and the
# second factor) again, valid for REAUTH_VALID_SECONDS; a user may make FULL_CODE_EXPORTS_PER_HOUR such exports.
BULK_EXPORT_REAUTH_ROWS = int(os.environ.get("BULK_EXPORT_REAUTH_ROWS", "100"))
REAUTH_VALID_SECONDS = int(os.environ.get("REAUTH_VALID_SECONDS", "600"))
FULL_CODE_EXPORTS_PER_HOUR = int(os.environ.get("FULL_CODE_EXPORTS_PER_HOUR", "5"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# Request bodies (not file uploads) larger than this are answered 413; JSON nested deeper than JSON_MAX_DEPTH, 400.
REQUEST_BODY_MAX_BYTES = int(os.environ.get("REQUEST_BODY_MAX_BYTES", str(5 * 1024 * 1024)))
JSON_MAX_DEPTH = int(os.environ.get("JSON_MAX_DEPTH", "64"))

# --- Demonstration data may be loaded only outside production.
DEMO_DATA_ALLOWED = not PRODUCTION
# Bookings of the innovation centre's public page one address may make in an hour (a bot limit; a benchmark lifts it).
CENTRE_BOOKINGS_PER_HOUR = int(os.environ.get("CENTRE_BOOKINGS_PER_HOUR", "10"))
# Open Badges 3.0 credentials of the centre's certificates (docs/credentials.md): the private signing keys are PEM
# files in this directory (never in the database, so never in its dump; back it up apart), and the public address
# the credentials' identifiers, the issuer's profile and its keys are served at (https in production).
CREDENTIAL_KEYS_DIR = Path(os.environ.get("CREDENTIAL_KEYS_DIR", BASE_DIR / "var" / "credential-keys"))
CREDENTIAL_BASE_URL = os.environ.get(
    "CREDENTIAL_BASE_URL", f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION and ALLOWED_HOSTS else "http://localhost:8000"
).rstrip("/")
# The largest file of a teaching material (PDF, DOCX, PPTX, an image or a ZIP), in bytes.
MATERIAL_MAX_UPLOAD_BYTES = int(os.environ.get("MATERIAL_MAX_UPLOAD_BYTES", str(50 * 1024 * 1024)))

# Who the readiness report is written by and for (its header: "Pielikums <council> ... lēmumam"; seed 002): the
# defaults of the deployment's first board; from then on they are the board's data, edited on its page (issue 41).
BOARD_CODE = os.environ.get("BOARD_CODE", "daugavpils")
BOARD_NAME = os.environ.get("BOARD_NAME", "Daugavpils pilsētas Izglītības pārvalde")
BOARD_NAME_GENITIVE = os.environ.get("BOARD_NAME_GENITIVE", "Daugavpils pilsētas Izglītības pārvaldes")
COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Daugavpils valstspilsētas pašvaldības dome")
COUNCIL_NAME_GENITIVE = os.environ.get("COUNCIL_NAME_GENITIVE", "Daugavpils valstspilsētas pašvaldības domes")
# The same names in the English and Russian reports (core.board_names reads them all; a blank genitive is the name).
BOARD_NAME_EN = os.environ.get("BOARD_NAME_EN", "Daugavpils City Education Board")
BOARD_NAME_GENITIVE_EN = os.environ.get("BOARD_NAME_GENITIVE_EN", "")
COUNCIL_NAME_EN = os.environ.get("COUNCIL_NAME_EN", "Daugavpils State City Council")
COUNCIL_NAME_GENITIVE_EN = os.environ.get("COUNCIL_NAME_GENITIVE_EN", "")
BOARD_NAME_RU = os.environ.get("BOARD_NAME_RU", "Управление образования города Даугавпилс")
BOARD_NAME_GENITIVE_RU = os.environ.get("BOARD_NAME_GENITIVE_RU", "Управления образования города Даугавпилс")
COUNCIL_NAME_RU = os.environ.get("COUNCIL_NAME_RU", "Дума самоуправления государственного города Даугавпилс")
COUNCIL_NAME_GENITIVE_RU = os.environ.get(
    "COUNCIL_NAME_GENITIVE_RU", "Думы самоуправления государственного города Даугавпилс"
)
# The board's own municipality, as names appear in files (any case).
HOME_MUNICIPALITY_NAMES = env_list("HOME_MUNICIPALITY_NAMES", "Daugavpils,Daugavpils valstspilsēta,Daugavpils pilsēta")

# Run the data-quality checks of the importer's boards after every import (dataquality; nightly besides by cron).
DATA_CHECK_AFTER_IMPORT = os.environ.get("DATA_CHECK_AFTER_IMPORT", "1") != "0"

# A new board's thresholds (each board then keeps its own, set on its page: registry.boards.Board). A person's FTE
# rates across all institutions above this give a warning (not an error).
FTE_WARNING_LIMIT = Decimal(os.environ.get("FTE_WARNING_LIMIT", "1.5"))
# Training that expires within this many days is reported as expiring.
TRAINING_EXPIRY_WARNING_DAYS = int(os.environ.get("TRAINING_EXPIRY_WARNING_DAYS", "90"))

# Logs carry no personal data: every handler withholds request paths, query strings, request bodies, personal codes
# and the values database errors quote (eduboard.core.logging). Django's own "django" handlers are replaced: its
# e-mail to ADMINS would carry the request's POST body and the local variables of the failing code.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "eduboard.core.logging.PersonalDataFilter"}},
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["personal_data"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["personal_data"],
            "level": "INFO",
        },
    },
    "loggers": {
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

# The controller named in a subject-access answer and the record of processing (docs/privacy.md).
PRIVACY_CONTROLLER = os.environ.get(
    "PRIVACY_CONTROLLER", "Daugavpils valstspilsētas pašvaldības iestāde „Izglītības pārvalde”"
)
