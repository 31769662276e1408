"""Django settings for cyplan, read from the environment (12-factor).

Development defaults are safe and obvious: an embedded SQLite file in the checkout's
``var/`` folder, DEBUG on, a fixed development secret key. With ``CYPLAN_ENV=production``
the project refuses to start without ``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS`` and
``DATABASE_URL``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _default_data_dir() -> Path:
    checkout = PACKAGE_DIR.parent.parent
    if (checkout / "pyproject.toml").exists():
        return checkout / "var"
    return Path.home() / ".local" / "share" / "cyplan"


ENVIRONMENT = os.environ.get("CYPLAN_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
DATA_DIR = Path(os.environ.get("CYPLAN_DATA_DIR") or _default_data_dir())

if PRODUCTION:
    missing = [
        name
        for name in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL")
        if not os.environ.get(name)
    ]
    if missing:
        raise ImproperlyConfigured(
            "cyplan will not start in production without "
            + ", ".join(missing)
            + ". Set each in the environment (see docs/deployment.md)."
        )
    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
    DEBUG = False
    ALLOWED_HOSTS = [h.strip() for h in os.environ["DJANGO_ALLOWED_HOSTS"].split(",") if h.strip()]
else:
    SECRET_KEY = os.environ.get(
        "DJANGO_SECRET_KEY", "development-only-not-secret-cyplan-key-do-not-use-in-production"
    )
    DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "cyplan.core",
    "cyplan.plans",
    "cyplan.accounts",
    "cyplan.delivery",
    "cyplan.api",
    "cyplan.outcomes",
    "cyplan.reports",
    "cyplan.returns",
    "cyplan.disproportionality",
    "cyplan.voice",
    "cyplan.ops",
]

# A demonstration instance (CYPLAN_DEMO=1, which `make run` sets) says so on every page and
# shows the demo data `cyplan demo` makes, labelled. Any other instance is real: demo data
# never reaches its packs, reports, CSV files or API (cyplan.core.demo_mode).
CYPLAN_DEMO = os.environ.get("CYPLAN_DEMO", "0") == "1"

# Disclosure control: counts from 1 to this number minus one are suppressed in public outputs.
CYPLAN_DISCLOSURE_THRESHOLD = int(os.environ.get("CYPLAN_DISCLOSURE_THRESHOLD", "5"))

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cyplan.ops.middleware.DatabaseUnavailableMiddleware",
    "cyplan.ops.middleware.BadQueryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cyplan.ops.middleware.NoStoreForStaffMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "delivery:my-actions"
LOGOUT_REDIRECT_URL = "plans:home"
# Login throttling: five failures from one user name and address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("CYPLAN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The real client address behind the trusted proxy (CYPLAN_CLIENT_IP_HEADER, see
# docs/deployment.md), so that lockout counts the user name with the person's own address.
AXES_CLIENT_IP_CALLABLE = "cyplan.core.client.address_for_lockout"

# A cache every server process shares (rate limits): Django's database cache, whose table
# a core migration creates. CYPLAN_CACHE_URL=redis://... uses Redis where there is one.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "cyplan_cache",
    }
}
if os.environ.get("CYPLAN_CACHE_URL", "").startswith(("redis://", "rediss://")):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["CYPLAN_CACHE_URL"],
    }

# A strict Content-Security-Policy: no inline script or style without the request's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

ROOT_URLCONF = "cyplan.site.urls"
WSGI_APPLICATION = "cyplan.site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cyplan.core.context_processors.site",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL")
    if not url:
        DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)  # the service account only
        url = f"sqlite:///{DATA_DIR / 'cyplan.sqlite3'}"
    config = dj_database_url.parse(
        url,
        conn_max_age=0 if url.startswith("sqlite") else 60,
        conn_health_checks=True,  # a connection lost while idle is replaced, not used
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers carry on while an import writes; IMMEDIATE takes the write
        # lock at the start of a transaction instead of failing half-way through it.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

MEDIA_ROOT = Path(os.environ.get("CYPLAN_MEDIA_DIR") or DATA_DIR / "media")
MEDIA_URL = "/media/"  # evidence files are served through permission-checked views, not here
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Evidence files and their folders: the service account's only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# In development emails are written as files to DATA_DIR/emails (never printed in the middle of
# other output, never sent); in production they go to the SMTP server below.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("CYPLAN_EMAIL_FILE_PATH") or str(DATA_DIR / "emails")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("CYPLAN_FROM_EMAIL", "cyplan@localhost")
CYPLAN_SITE_URL = os.environ.get("CYPLAN_SITE_URL", "http://127.0.0.1:8000")
CYPLAN_SAFEGUARDING_EMAIL = os.environ.get(
    "CYPLAN_SAFEGUARDING_EMAIL", ""
)  # see cyplan/voice/conf.py

# Background work (board packs, emails through the outbox, return loads) goes through Django's
# Tasks API (the django-tasks backport) with its database backend: nothing to run beyond the
# database. `cyplan db_worker` runs the queue; `make run` starts one beside the web server.
# CYPLAN_TASKS_IMMEDIATE=1 runs each task at once in the caller (tests, one-off scripts).
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if os.environ.get("CYPLAN_TASKS_IMMEDIATE") == "1"
        else "django_tasks_db.DatabaseBackend"
    }
}

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
_node_modules = Path(
    os.environ.get("CYPLAN_NODE_MODULES") or PACKAGE_DIR.parent.parent / "node_modules"
)
_built = Path(
    os.environ.get("CYPLAN_BUILT_STATIC") or PACKAGE_DIR.parent.parent / "build" / "static"
)
# Our compiled stylesheet (npm run build:css) comes first, then our own files.
STATICFILES_DIRS = [_built, PACKAGE_DIR / "static"] if _built.is_dir() else [PACKAGE_DIR / "static"]
if (_node_modules / "govuk-frontend" / "dist").is_dir():
    STATICFILES_DIRS.append(("govuk-frontend", _node_modules / "govuk-frontend" / "dist"))
WHITENOISE_USE_FINDERS = True
if PRODUCTION:  # `cyplan collectstatic` writes hashed, compressed copies that WhiteNoise serves
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("CYPLAN_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = int(os.environ.get("CYPLAN_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The site's own https:// address(es) behind the proxy, e.g. https://cyplan.example.gov.uk
    CSRF_TRUSTED_ORIGINS = [
        o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
    ] or [
        f"https://*{h}" if h.startswith(".") else f"https://{h}" for h in ALLOWED_HOSTS if h != "*"
    ]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CYPLAN_LOG_LEVEL", "WARNING")},
}
