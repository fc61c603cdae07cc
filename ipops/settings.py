"""Settings for ipops, read from environment variables (README and docs/deploy.md list them).

Secure by default: with DEBUG off, a strong SECRET_KEY is required, HTTPS is enforced (redirect,
HSTS, secure cookies) unless the environment turns it off, e.g. behind a proxy that terminates
TLS (SECURE_PROXY_SSL_HEADER=1) or on a plain-HTTP test bench (SECURE_SSL_REDIRECT=0,
SECURE_COOKIES=0, SECURE_HSTS_SECONDS=0). `make run` (DEBUG=1) keeps plain HTTP on 127.0.0.1.
"""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str = "0") -> bool:
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG")
LOCAL_KEY = "django-insecure-local-only-set-SECRET_KEY-in-production"
SECRET_KEY = os.getenv("SECRET_KEY") or (LOCAL_KEY if DEBUG else "")


def _strong(key: str) -> bool:
    """As `check --deploy` wants it: 50 characters, 5 different, not Django's insecure prefix."""
    return len(key) >= 50 and len(set(key)) >= 5 and not key.startswith("django-insecure-")


if not DEBUG and not _strong(SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a strong random value (50+ characters) when DEBUG is off, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",
    "rules",
    "ipops.apps.AxesConfig",  # django-axes, named in the portal's words
    "csp",
    "accounts",
    "plans",
    "indicators",
    "tasks",
    "reporting",
    "dashboards",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ipops.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.sessions.SessionLifetimeMiddleware",
    "csp.middleware.CSPMiddleware",
    # A portal page for the empty 405 of a POST-only address opened in the browser; inside the
    # middleware above, so that the page has the user, the messages, the language and the CSP.
    "ipops.middleware.MethodNotAllowedMiddleware",
    # Last, so that it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ipops.urls"
WSGI_APPLICATION = "ipops.wsgi.application"

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
                "csp.context_processors.nonce",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.getenv("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["ENGINE"] = "ipops.sqlite"  # SQLite's real parameter limit
    # Writers take the lock when a transaction starts, so that a version check and the save
    # that follows it cannot interleave with another writer (optimistic locking).
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Who may do what is decided in accounts/rules.py; axes refuses logins during a lockout.
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "plans:start"
LOGOUT_REDIRECT_URL = "login"

# Failed logins: five for one user name from one address lock it for 15 minutes.
AXES_ENABLED = True
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
# Behind a reverse proxy, set TRUSTED_PROXY_COUNT (1 for one nginx that sets X-Forwarded-For),
# so that throttling counts each client's address rather than the proxy's.
TRUSTED_PROXY_COUNT = int(os.getenv("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "accounts.access.client_ip"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", BASE_DIR / "media"))

SESSION_ENGINE = "django.contrib.sessions.backends.db"
# HTTPS: on by default in production, off for `make run` (DEBUG=1); each can be turned off.
SECURE_BY_DEFAULT = "0" if DEBUG else "1"
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", SECURE_BY_DEFAULT)
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", SECURE_BY_DEFAULT)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.getenv("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE_BY_DEFAULT)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", SECURE_BY_DEFAULT)
if envbool("SECURE_PROXY_SSL_HEADER"):  # behind a proxy that terminates TLS
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# A form opened before logging out and in again fails the CSRF check: a portal page explains it.
CSRF_FAILURE_VIEW = "ipops.views.csrf_failure"
# Sessions end after SESSION_IDLE_SECONDS without a request and SESSION_MAX_SECONDS after the
# login, whichever comes first (ipops/middleware.py); disabling a user ends their sessions at
# once (the auth backend refuses inactive users on every request).
SESSION_IDLE_SECONDS = int(os.getenv("SESSION_IDLE_SECONDS", str(2 * 3600)))
SESSION_MAX_SECONDS = int(os.getenv("SESSION_MAX_SECONDS", str(12 * 3600)))
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS

# Content-Security-Policy (django-csp): nothing from other origins, no inline script (a page's
# data reaches its scripts through json_script), no eval (plotly's strict build).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],  # plotly sets styles on the elements it draws
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

# Where the plan files live; `load_plans` reads every *.json here.
PLAN_FILES_DIR = BASE_DIR / "fixtures"

# The progress rules' band (三色预警): an indicator below its expected value (序时进度) is 预警
# while within this share of it, 滞后 beyond. 0.15 by default; some cities use other bands.
PROGRESS_BAND = Decimal(os.getenv("PROGRESS_BAND", "0.15"))

# Entry checks: a figure that moves more than this share from last year's approved value needs
# a note before it can be saved (like DHIS2's min-max checks).
ENTRY_MOVE_WARNING = Decimal(os.getenv("ENTRY_MOVE_WARNING", "0.5"))
# Evidence files: what may be uploaded, and how large.
EVIDENCE_MAX_BYTES = int(os.getenv("EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
EVIDENCE_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "docx", "xlsx", "doc", "xls"]
# Excel uploads of the fill-in workbook.
UPLOAD_MAX_BYTES = int(os.getenv("UPLOAD_MAX_BYTES", str(5 * 1024 * 1024)))

# E-mail (reminders from `manage.py send_reminders`). EMAIL_BACKEND defaults to the console while
# DEBUG is on, else SMTP with EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD and
# EMAIL_USE_TLS / EMAIL_USE_SSL. PORTAL_URL makes the links in mails absolute.
EMAIL_BACKEND = os.getenv("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend" if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "ipops <noreply@localhost>")
SERVER_EMAIL = os.getenv("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.getenv("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS")
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.getenv("EMAIL_TIMEOUT", "30"))
EMAIL_SUBJECT_PREFIX = os.getenv("EMAIL_SUBJECT_PREFIX", "[ipops] ")
PORTAL_URL = os.getenv("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")

# Logging: everything to standard error (gunicorn and systemd keep it), 500s with their
# traceback; LOG_LEVEL (default INFO) for the portal's own messages.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["stderr"], "level": os.getenv("DJANGO_LOG_LEVEL", "WARNING"),
                   "propagate": False},
        "axes": {"level": "WARNING"},
    },
}
