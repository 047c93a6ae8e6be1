"""The one settings file. Everything that differs between machines comes from the environment.

See docs/configuration.md for every variable.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    """A variable, or the content of the file named by NAME_FILE (for secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = env(name, "")
    if value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env(name, "")
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


TESTING = "pytest" in sys.modules
DEBUG = env_bool("DEBUG", False)

# Management commands that sign nothing may run without a key (build and release steps).
KEYLESS_COMMANDS = {"check", "collectstatic", "compilemessages", "makemessages", "makemigrations", "migrate",
                    "showmigrations", "sqlmigrate"}  # fmt: skip
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-never-use-in-production-0123456789"
    elif len(sys.argv) > 1 and sys.argv[0].endswith("manage.py") and sys.argv[1] in KEYLESS_COMMANDS:
        import secrets

        SECRET_KEY = secrets.token_urlsafe(50)  # thrown away after the command
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEBUG or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The public address, for links in e-mails sent outside a request (background jobs, notifications).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "ninja",
    # domain apps
    "kgp.core",
    "kgp.accounts",
    "kgp.organisations",
    "kgp.companies",
    "kgp.catalogue",
    "kgp.assessment",
    "kgp.requests",
    "kgp.deminimis",
    "kgp.appointments",
    "kgp.journey",
    "kgp.competences",
    "kgp.connect",
    "kgp.events",
    "kgp.climate",
    "kgp.demo",
    # audience apps
    "kgp.web",
    "kgp.backoffice",
    "kgp.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "kgp.accounts.middleware.StaffMFAMiddleware",
    "kgp.core.middleware.PrivatePagesMiddleware",
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
                "django.template.context_processors.i18n",
                "kgp.core.context_processors.site",
                "kgp.requests.context_processors.package_count",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # optimize=0x10002 refreshes the planner's statistics when they are stale (cheap otherwise).
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; "
            "PRAGMA analysis_limit=1000; PRAGMA optimize=0x10002;",
            "transaction_mode": "IMMEDIATE",
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_SQLITE_NAME", "") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True

CACHE_URL = env("CACHE_URL")
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # Without Redis, a file cache shared by the web server and the worker on one machine (make run):
    # import progress and login rate limits work across processes.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env("CACHE_DIR", str(BASE_DIR / "var" / "cache")),
        }
    }

# Background jobs: django-tasks. The database backend needs no extra service; `manage.py db_worker`
# runs the jobs (make run starts one). TASK_BACKEND=immediate runs them inline (used in tests).
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASK_BACKEND = env("TASK_BACKEND", "immediate" if TESTING else "database")
if TASK_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASK_BACKEND must be one of {', '.join(TASK_BACKENDS)}, not {TASK_BACKEND!r}")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASK_BACKEND]}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:after_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Kompetenzregion] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_ADAPTER = "kgp.accounts.adapter.AccountAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Kompetenzregion grüne Produktion"
# Staff (coordinators, consultants, read-only staff) must set up TOTP before using the backoffice.
STAFF_MFA_REQUIRED = env_bool("STAFF_MFA_REQUIRED", not (DEBUG or TESTING))

# Mail leaves the request through the task queue; the worker delivers with EMAIL_DELIVERY_BACKEND.
EMAIL_BACKEND = env("EMAIL_BACKEND", "kgp.core.mail.TaskEmailBackend")
EMAIL_DELIVERY_BACKEND = env(
    "EMAIL_DELIVERY_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Kompetenzregion grüne Produktion <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (DEBUG or TESTING)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploads: imports are limited to 10 MB; Django refuses larger request bodies outright.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
# Activity attachments (PDF and Office files) live outside the web root and are served only by a view
# that checks the reader's access.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = max(IMPORT_MAX_BYTES, ATTACHMENT_MAX_BYTES) + 1024 * 1024

# Matching: an optional dense re-ranker, a local sentence-transformers model directory (off when empty).
MATCH_RERANKER_MODEL = env("MATCH_RERANKER_MODEL", "")
# Build the matching indexes in the background when a web server process starts (config/wsgi.py).
MATCH_WARM_ON_START = env_bool("MATCH_WARM_ON_START", True)

# Events: how long a freed seat is held for the first on the waiting list, and the funding notice
# printed on the participant lists for the funding body.
EVENT_OFFER_HOURS = env_int("EVENT_OFFER_HOURS", 48)
EVENT_FUNDING_NOTICE = env(
    "EVENT_FUNDING_NOTICE",
    "Diese Veranstaltung wird im Projekt „Kompetenzregion für grüne Produktion“ aus Mitteln des Europäischen "
    "Fonds für regionale Entwicklung (EFRE) und des Landes Nordrhein-Westfalen gefördert.",
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Security. Safe by default; DEBUG (make run) relaxes what needs HTTPS.
SECURE_HTTPS = env_bool("SECURE_HTTPS", not (DEBUG or TESTING))
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE_HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Preloading commits the whole parent domain to HTTPS; that is the operator's decision, not a default.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
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

# The competence map's background tiles (docs/configuration.md). Without a tile URL the map shows its
# markers on a plain background, and the browser requests nothing from another host. With one, the map
# page's Content-Security-Policy allows images from that one origin (MAP_TILE_ORIGIN).
MAP_TILE_URL = env("MAP_TILE_URL")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION")
MAP_TILE_ORIGIN = ""
if MAP_TILE_URL:
    from urllib.parse import urlsplit

    _tiles = urlsplit(MAP_TILE_URL)
    if (
        _tiles.scheme not in ({"https", "http"} if DEBUG else {"https"})
        or not re.fullmatch(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?", _tiles.netloc)  # one host: no {s}, no user
        or not all(p in MAP_TILE_URL for p in ("{z}", "{x}", "{y}"))
    ):
        raise ImproperlyConfigured(
            "MAP_TILE_URL must be an https URL on one fixed host with {z}, {x} and {y}, "
            f"e.g. https://tiles.example.org/{{z}}/{{x}}/{{y}}.png, not {MAP_TILE_URL!r}"
        )
    MAP_TILE_ORIGIN = f"{_tiles.scheme}://{_tiles.netloc.lower()}"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

ADMINS = [("Admin", a) for a in env_list("ADMIN_EMAILS")]

# The operator named on the legal pages (imprint, privacy notice, accessibility statement): the lead
# partner, on behalf of the network. Defaults in square brackets are placeholders to fill in before
# going live, never real data; see docs/configuration.md.
OPERATOR = {
    "name": env("OPERATOR_NAME", "Wirtschaftsförderung Dortmund"),
    "address": env("OPERATOR_ADDRESS", "[Anschrift der Wirtschaftsförderung Dortmund]"),
    "representative": env("OPERATOR_REPRESENTATIVE", "[Vertretungsberechtigte Person mit Funktion]"),
    "email": env("OPERATOR_EMAIL", "kompetenzregion@wirtschaftsfoerderung-dortmund.example"),
    "phone": env("OPERATOR_PHONE", "[Telefonnummer der Netzwerkkoordination]"),
    "content_responsible": env(
        "OPERATOR_CONTENT_RESPONSIBLE", "[Name der inhaltlich verantwortlichen Person, Anschrift wie oben]"
    ),
    "supervisory_authority": env("OPERATOR_SUPERVISORY_AUTHORITY"),
    "register": env("OPERATOR_REGISTER"),
    "vat_id": env("OPERATOR_VAT_ID"),
    "dpo_email": env("DPO_EMAIL", "datenschutz@wirtschaftsfoerderung-dortmund.example"),
}
# Days the proxy and app servers keep access logs (with IP addresses); the privacy notice states it.
SERVER_LOG_RETENTION_DAYS = env_int("SERVER_LOG_RETENTION_DAYS", 7)
