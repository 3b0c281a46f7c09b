"""Pathway settings: one module, read from the environment.

The defaults serve the embedded demo (`make run`): SQLite, tasks run in-process, mail to the
console. `DJANGO_ENV=production` removes every default that would be unsafe in production, so a
missing secret or address stops the service at start-up instead of running it insecurely.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from csp.constants import NONCE as CSP_NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

REQUIRED_IN_PRODUCTION = ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "CELERY_BROKER_URL")
if PRODUCTION:
    missing = [name for name in REQUIRED_IN_PRODUCTION if not env.str(name, default="")]
    if missing:
        raise ImproperlyConfigured(
            "DJANGO_ENV=production needs these environment variables: " + ", ".join(missing)
        )

SECRET_KEY = env.str("SECRET_KEY", default="" if PRODUCTION else "insecure-pathway-demo-key")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "accounts",
    "workflows",
    "casework",
    "budgets",
    "shortbreaks",
    "commissioning",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "workflows.middleware.RefuseControlCharactersMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
    "csp.middleware.CSPMiddleware",
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
                "accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# The whole suite runs twice, on SQLite and on PostgreSQL; the Makefile sets this for the second.
if env.str("TEST_DATABASE_URL", default=""):
    DATABASES["default"] = env.db("TEST_DATABASE_URL")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file (not memory) for the test database, so that a Celery worker process sees it too.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".make" / "test-db.sqlite3")}
    # Writers queue for the lock, instead of failing when a reader upgrades (worker and web).
    # Write-ahead logging: a commit appends to the log without waiting for the disk, and
    # readers never wait for a writer. Every staff read now commits its access-log rows, which
    # in SQLite's default journal cost two fsyncs per page of a list (DESIGN §9, §12).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The uptake report's charts are kept here, keyed by the figures they draw (commissioning.charts).
# Without CACHE_URL each process keeps its own in memory; `CACHE_URL=redis://host:6379/1` shares
# one cache between every web process.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://pathway")}
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    # A report draws a chart per measure for each period, granularity and breakdown asked for.
    CACHES["default"]["OPTIONS"] = {"MAX_ENTRIES": 2000}

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out sign-in before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "accounts.backends.RolesBackend"]
# Five wrong passwords for one e-mail address from one place lock it for an hour. An
# administrator can unlock at once: `python manage.py axes_reset_username <email>`, or delete the
# access attempt in the Django admin.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
# Failures are counted against the normalised address, however it was typed.
AXES_USERNAME_CALLABLE = "accounts.lockout.username"
# "From one place" is the client's address. Behind PATHWAY_PROXY_COUNT proxies (production: one,
# the TLS-terminating proxy) it is read from X-Forwarded-For, taking the entry the nearest proxy
# appended, so a client cannot choose it; with 0 the header is ignored. Each proxy appends the
# address it was reached from, so with N proxies the client is the Nth entry from the right, which
# django-ipware's proxy count calls N - 1 proxies in the header.
PATHWAY_PROXY_COUNT = env.int("PATHWAY_PROXY_COUNT", default=1 if PRODUCTION else 0)
if PATHWAY_PROXY_COUNT > 0:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    AXES_IPWARE_PROXY_ORDER = "left-most"
    AXES_IPWARE_PROXY_COUNT = PATHWAY_PROXY_COUNT - 1
    # A header with more entries than proxies (a client's own X-Forwarded-For, kept in front of
    # the proxies' ones) is still read from the right; strict mode would fall back to the
    # proxy's own address and put every client in one place.
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A password-reset link works once, for an hour.
PASSWORD_RESET_TIMEOUT = 60 * 60
# An invitation to a professional works once, for this many days after it was sent.
PATHWAY_INVITATION_DAYS = env.int("PATHWAY_INVITATION_DAYS", default=7)
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# `make loadtest` collects the production (hashed, compressed) files into a folder of its own.
STATIC_ROOT = env.path("PATHWAY_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static" / "build"]
# Outside production WhiteNoise also serves straight from the build, so a rebuild shows at once.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
# Uploaded documents: local files in the demo, an S3-compatible bucket by STORAGES in production.
MEDIA_ROOT = env.path("PATHWAY_MEDIA_ROOT", default=BASE_DIR / "media")
PATHWAY_DOCUMENT_MAX_BYTES = env.int("PATHWAY_DOCUMENT_MAX_BYTES", default=20 * 1024 * 1024)
PATHWAY_EHC_REQUESTS_PER_DAY = env.int("PATHWAY_EHC_REQUESTS_PER_DAY", default=3)
# PATHWAY_DOCUMENTS_BUCKET puts documents in an S3-compatible bucket instead (ADR 0009); boto3
# reads the credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the instance's
# role) itself, so no secret passes through these settings.
PATHWAY_DOCUMENTS_BUCKET = env.str("PATHWAY_DOCUMENTS_BUCKET", default="")
DOCUMENT_STORAGE: dict[str, Any] = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": PATHWAY_DOCUMENTS_BUCKET,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            # Private objects, fetched only by the access-checked view: no public ACL, no
            # signed links that would outlive a withdrawn consent.
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            # A download is spooled to a temporary file past 1 MB rather than held in memory.
            "max_memory_size": 1_048_576,
        },
    }
    if PATHWAY_DOCUMENTS_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": DOCUMENT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an API client without credentials is told 401 with WWW-Authenticate.
        "accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "workflows.permissions.WriteRoles",
    ],
    # JSON only: one format to validate, and a form post to the API is a clear 400, not a guess.
    "DEFAULT_PARSER_CLASSES": ["workflows.parsers.StrictJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["workflows.filters.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "workflows.pagination.PagePagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "workflows.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Pathway API",
    "DESCRIPTION": (
        "Casework for services for disabled children and young people (0-25) and their families."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    # Several models have a `status`; each set of choices gets its own schema name.
    "ENUM_NAME_OVERRIDES": {
        "ActionStatusEnum": "commissioning.models.ActionStatus",
        "AdviceKindEnum": "casework.models.advice.AdviceKind",
        "DisputeKindEnum": "casework.models.dispute.DisputeKind",
        "PlanVersionKindEnum": "casework.models.plan_version.PlanVersionKind",
        "DocumentKindEnum": "casework.models.document.DocumentKind",
    },
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Swagger UI virtualises lists of 100 or more operations, so an operation far down the page
    # exists only once scrolled to; deep links (#/tag/operationId) reach any of them directly.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True},
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "workflows.schema.document_errors",
    ],
}

# API tokens (django-rest-knox): stored hashed, one per sign-in, ended by signing out, by a new
# password, or after this many hours.
PATHWAY_TOKEN_TTL_HOURS = env.float("PATHWAY_TOKEN_TTL_HOURS", default=10.0)
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=PATHWAY_TOKEN_TTL_HOURS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
    "USER_SERIALIZER": None,
}
# A second factor (a TOTP code from an authenticator app) for staff and administrators: required
# in production, offered in the demo.
PATHWAY_REQUIRE_SECOND_FACTOR = env.bool("PATHWAY_REQUIRE_SECOND_FACTOR", default=PRODUCTION)
OTP_TOTP_ISSUER = env.str("PATHWAY_SERVICE_NAME", default="Pathway")

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not PRODUCTION)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that nudges the sender must not wait for a broker that is down: the nudge is
# dropped (the row waits in the outbox) instead of retried.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.smtp.EmailBackend"
        if PRODUCTION
        else "django.core.mail.backends.console.EmailBackend"
    ),
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="pathway@example.org")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / ".make" / "emails"))

# The largest request body read, a form post or the API's JSON alike.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB, Django's default
# An uploaded file larger than this is written to a temporary file as it arrives, never held in
# memory whole: a 20 MB document costs the process a few chunks (DESIGN §12).
FILE_UPLOAD_MAX_MEMORY_SIZE = 1_048_576

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Reminders: days before a deadline (DESIGN §6); overdue ones go to the team's managers once
# they are this many working days late.
PATHWAY_REMINDER_OFFSETS = env.list("PATHWAY_REMINDER_OFFSETS", cast=int, default=[14, 3, 0])
PATHWAY_ESCALATE_AFTER_WORKING_DAYS = env.int("PATHWAY_ESCALATE_AFTER_WORKING_DAYS", default=1)
PATHWAY_NOTIFICATION_MAX_ATTEMPTS = env.int("PATHWAY_NOTIFICATION_MAX_ATTEMPTS", default=5)
# Links in e-mails point here.
PATHWAY_BASE_URL = env.str("PATHWAY_BASE_URL", default="http://127.0.0.1:8000")
# GOV.UK Notify replaces the e-mail backend when a key is set.
NOTIFY_API_KEY = env.str("NOTIFY_API_KEY", default="")
NOTIFY_TEMPLATE_ID = env.str("NOTIFY_TEMPLATE_ID", default="")

# Council policy: when an approved personal budget is reviewed.
PATHWAY_BUDGET_REVIEW_MONTHS = env.int("PATHWAY_BUDGET_REVIEW_MONTHS", default=12)
# Local target (SEND Code of Practice 9.178, guidance): a plan of a child under 5 reviewed within
# this many months of the plan or of its last review meeting, beside the statutory 12.
PATHWAY_UNDER_FIVE_REVIEW_MONTHS = env.int("PATHWAY_UNDER_FIVE_REVIEW_MONTHS", default=6)
# A local offer entry not checked for this many months is listed for staff to check.
PATHWAY_SERVICE_CHECK_MONTHS = env.int("PATHWAY_SERVICE_CHECK_MONTHS", default=12)
# Who answers questions about the local offer, and sends it to anyone who cannot use the website
# (the SEND Regulations 2014, reg 57, and the short breaks services statement of SI 2011/707).
PATHWAY_FAMILY_INFORMATION = env.str(
    "PATHWAY_FAMILY_INFORMATION",
    default="the Family Information Service, on 01634 000000 or fis@example.org",
)
PATHWAY_SERVICE_NAME = env.str("PATHWAY_SERVICE_NAME", default="Pathway")
PATHWAY_COUNCIL_NAME = env.str("PATHWAY_COUNCIL_NAME", default="Medway Council")
# Named in every decision letter with a right of appeal (SEND Regs 2014 reg 32(c) and (f)).
PATHWAY_MEDIATION_ADVISER = env.str(
    "PATHWAY_MEDIATION_ADVISER",
    default="the council's independent mediation service, on 0800 000 0000 or "
    "mediation@example.org",
)
PATHWAY_SEN_TEAM_CONTACT = env.str(
    "PATHWAY_SEN_TEAM_CONTACT", default="the SEN team, on 01634 000000 or sen@example.org"
)
# The DfE local authority code, for statutory returns (887: Medway).
# A strict Content-Security-Policy: scripts, styles, fonts and images from Pathway itself only
# (the one inline script of the GOV.UK template carries the request's nonce; trend charts are
# data: images), no frames, no plugins, forms post only to Pathway.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", CSP_NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The floor page of `make loadtest` (/loadtest-floor/, DESIGN §12): off unless the load test
# starts the server; a page that shows nothing has no place in a live service.
PATHWAY_LOADTEST_FLOOR = env.bool("PATHWAY_LOADTEST_FLOOR", default=False)

# Minutes without a request after which a browser session is signed out.
PATHWAY_IDLE_TIMEOUT_MINUTES = env.int("PATHWAY_IDLE_TIMEOUT_MINUTES", default=30)
PATHWAY_LA_CODE = env.str("PATHWAY_LA_CODE", default="887")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
