"""Settings for the buurtbemiddeling case system.

One file, read from the environment (django-environ). Every variable is listed with a
comment in `.env.example`. The defaults fail closed: DEBUG is off unless set, and without
DEBUG a SECRET_KEY must be given. Only development (DEBUG on) gets convenient defaults.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env file is a convenience for development; real deployments set the environment.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The public address of the app, for links in e-mails (no trailing slash).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks_db",
    # The app floors, ground floor first (docs/architecture.md): an app imports only apps above it here.
    "buurtbemiddeling",
    "organisations",
    "cases",
    "referrals",
    "partners",
    "selfreport",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "buurtbemiddeling.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "buurtbemiddeling.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "buurtbemiddeling.middleware.OTPMiddleware",
    "buurtbemiddeling.middleware.SecondFactorMiddleware",
    "buurtbemiddeling.middleware.AuditlogMiddleware",
    "buurtbemiddeling.middleware.PostRedirectMiddleware",
    "buurtbemiddeling.middleware.SubmissionKeyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "buurtbemiddeling.middleware.AbsoluteSessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "buurtbemiddeling.middleware.NoStoreForAuthenticatedMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "buurtbemiddeling.urls"
WSGI_APPLICATION = "buurtbemiddeling.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "buurtbemiddeling.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# DATABASE_URL unset: the embedded SQLite file. Set: normally PostgreSQL, e.g.
# postgres://user:password@127.0.0.1:5432/buurtbemiddeling
DATABASES = {
    "default": env.db_url_config(env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
# Persistent connections with a health check, as in production.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles a query when its estimated cost is high, as for the figures'
    # aggregates over a year of a large service: half a second of compiling for a query
    # that runs in a tenth of that. A web application's short queries never gain from it.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    # Form selects iterate their choices with .iterator(), which on PostgreSQL opens a
    # server-side cursor: DECLARE, FETCH and CLOSE, three round trips for a list of a dozen
    # neighbourhoods. Plain fetches are faster for everything a page reads, and work behind
    # a transaction-pooling PgBouncer too.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves a few users and a worker at once. WAL lets readers go on
    # while one writes; IMMEDIATE takes the write lock when a transaction starts, so two
    # writers queue (up to `timeout` seconds) instead of one failing "database is locked"
    # halfway through.
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background tasks (buurtbemiddeling/background.py) ---------------------------------
# Stored in the app's own database and run by `manage.py worker` (make run starts one).
# Outgrowing one database server is a settings change: a broker backend such as
# django-tasks-rq (Redis) takes the same tasks.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Attempts per task before it gives up (waits 30 s, 1, 2, 4, 8 minutes in between).
TASK_ATTEMPTS = env.int("TASK_ATTEMPTS", default=6)
# A task still running after this many seconds was lost with its worker and runs again.
TASK_STALE_AFTER = env.int("TASK_STALE_AFTER", default=300)
# The worker runs retention (anonymise_expired) and housekeeping daily; off when cron does.
TASK_DAILY_JOBS = env.bool("TASK_DAILY_JOBS", default=True)
# /healthz answers 503 when a task has waited longer than this (no worker runs, or it is stuck).
TASK_QUEUE_STALLED_AFTER = env.int("TASK_QUEUE_STALLED_AFTER", default=600)
# Finished task rows are deleted by `manage.py housekeeping` after this many days.
TASK_KEEP_DAYS = env.int("TASK_KEEP_DAYS", default=30)

# --- Cache ----------------------------------------------------------------------------
# Shared by every app instance (rate limits must hold across them): the database.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
    }
}

# --- Authentication -------------------------------------------------------------------
AUTH_USER_MODEL = "buurtbemiddeling.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "buurtbemiddeling.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Refuses further attempts after repeated failures (django-axes), then the normal check
    # (Django's ModelBackend, with the service and the permissions read in fewer queries).
    "axes.backends.AxesStandaloneBackend",
    "buurtbemiddeling.backends.UserBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_CLIENT_IP_CALLABLE = "buurtbemiddeling.audit.client_address"
AXES_LOCKOUT_CALLABLE = "buurtbemiddeling.views.locked_out"
AXES_VERBOSE = False
# Two-factor login (TOTP) for everyone who can see personal data; see buurtbemiddeling/twofactor.py.
OTP_TOTP_ISSUER = "Buurtbemiddeling"
OTP_TOTP_THROTTLE_FACTOR = 1
# Password reset links are valid for at most one hour.
PASSWORD_RESET_TIMEOUT = 60 * 60

# --- Sessions and cookies -------------------------------------------------------------
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=15 * 60)
# Idle timeout: a request extends the session, written at most once a minute
# (SESSION_RENEW_SECONDS, middleware.AbsoluteSessionLifetimeMiddleware), not on every page.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = 60
# However active, a session ends this long after login (hours).
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_HOURS", default=10) * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
# The language choice: not secret, but like every cookie Secure, HttpOnly and SameSite.
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
if SECURE_COOKIES:
    # __Host- cookies are only sent over HTTPS, for this exact host and path.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# --- Security headers -----------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Addresses of our own reverse proxies: behind them the client address is taken from the
# last X-Forwarded-For entry they added (logs, login throttling, rate limits).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Nothing in the app uses these browser features: switched off for every page and frame.
PERMISSIONS_POLICY = dict.fromkeys(
    [
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    ],
    [],
)
CSRF_FAILURE_VIEW = "buurtbemiddeling.views.csrf_failure"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
# Everything is served by the app (WhiteNoise); nothing comes from another host.
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default="") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- E-mail (Django 6.1 MAILERS) ------------------------------------------------------
# Development prints mail on the console; production sends through SMTP. Tests use
# Django's in-memory outbox automatically.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="buurtbemiddeling@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
MAILERS = {
    "default": {
        "BACKEND": env.str(
            "EMAIL_BACKEND",
            default=(
                "django.core.mail.backends.console.EmailBackend"
                if DEBUG
                else "django.core.mail.backends.smtp.EmailBackend"
            ),
        ),
        "OPTIONS": {},
    }
}
if MAILERS["default"]["BACKEND"].endswith("filebased.EmailBackend"):
    # Each mail as a file in a folder (trying out a set-up, or a browser test with a worker).
    MAILERS["default"]["OPTIONS"] = {"file_path": env.str("EMAIL_FILE_PATH", default="") or str(BASE_DIR / "mail")}
if MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env.str("EMAIL_HOST", default="localhost"),
        "port": env.int("EMAIL_PORT", default=587),
        "username": env.str("EMAIL_HOST_USER", default=""),
        "password": env.str("EMAIL_HOST_PASSWORD", default=""),
        "use_tls": env.bool("EMAIL_USE_TLS", default=True),
        "timeout": 10,
    }

# Bare "hello" views for the benchmark baseline (bench/run.sh); off everywhere else.
BENCH_VIEWS = env.bool("BENCH_VIEWS", default=False)

# --- Public self-report form: per client address and clock hour ----------------------
SELFREPORT_POSTS_PER_HOUR = env.int("SELFREPORT_POSTS_PER_HOUR", default=60)
SELFREPORT_REPORTS_PER_HOUR = env.int("SELFREPORT_REPORTS_PER_HOUR", default=5)

# --- Forms ----------------------------------------------------------------------------
# Django's form renderer with its commonest widget templates built in Python (same markup).
FORM_RENDERER = "buurtbemiddeling.renderers.FastTemplates"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Audit trail (django-auditlog for changes; buurtbemiddeling.audit for views) --------
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_MASK_CALLABLE = "buurtbemiddeling.audit.mask_value"
# Client addresses come from REMOTE_ADDR only (see buurtbemiddeling.audit.client_address).
AUDITLOG_DISABLE_REMOTE_ADDR = False

# --- Logging --------------------------------------------------------------------------
# Log lines never carry personal data: requests are logged by path only, and search
# terms travel by POST so they never appear in a logged URL.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
