"""Settings for Thegither: one module, configured by environment variables.

Defaults suit a laptop (SQLite, in-process cache, console email, DEBUG off unless
THEGITHER_DEBUG=true). Set THEGITHER_PROFILE=production for a deployment: secure
cookies, HSTS.
DATABASE_URL switches to PostgreSQL and REDIS_URL switches the cache and the live
sessions' channel layer to Redis. THEGITHER_TASKS says where background work (emails)
runs: straight away in the process that asked for it, or queued in the database for
the worker that `thegither up` starts.
"""

import ipaddress
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("THEGITHER_DATA_DIR", Path.cwd() / "var"))

PROFILE = os.environ.get("THEGITHER_PROFILE", "dev")
if PROFILE not in {"dev", "production"}:
    raise ImproperlyConfigured("THEGITHER_PROFILE must be 'dev' or 'production'.")
PRODUCTION = PROFILE == "production"

# Off unless asked for, even on a laptop: someone trying the demo should see the
# friendly "page not found" and "something went wrong" pages, not Django's.
DEBUG = env_bool("THEGITHER_DEBUG", False)

SECRET_KEY = os.environ.get("THEGITHER_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("Set THEGITHER_SECRET_KEY (50 or more random characters).")
    # A fixed key is fine on a laptop: nothing here is reachable from outside.
    SECRET_KEY = "dev-only-not-secret-thegither-laptop-key-0123456789abcdefghij"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "THEGITHER_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1],testserver"
)
CSRF_TRUSTED_ORIGINS = env_list("THEGITHER_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "thegither.core.apps.SiteAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Installed whichever backend runs tasks, so its table exists in every configuration
    # and THEGITHER_TASKS can change without a migration (decision 0045).
    "django_tasks_db",
    "thegither.core",
    "thegither.accounts",
    "thegither.grants",
    "thegither.live",
    "thegither.stories",
    "thegither.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "thegither.core.middleware.NoStoreForPeopleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After auth and messages: log out idle sessions, then send staff who must set up
    # two-step log-in to do that before anything else.
    "thegither.accounts.middleware.IdleTimeoutMiddleware",
    "thegither.accounts.middleware.TwoStepMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

# Every form renders GOV.UK style: label, hint, error tied by aria-describedby.
FORM_RENDERER = "thegither.core.renderers.FormRenderer"

ROOT_URLCONF = "thegither.urls"
ASGI_APPLICATION = "thegither.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "thegither.core.context_processors.site",
            ],
        },
    },
]

# Database: SQLite by default, tuned so a single machine never loses a write.
if os.environ.get("DATABASE_URL"):
    # No persistent connections: under ASGI each request runs in a thread of its own, so a
    # kept connection is never used again and they pile up until PostgreSQL refuses more
    # ("too many clients", seen in benchmarks/live_kill.py; decision 0057).
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=0)}
else:
    # SQLite can't make the folder its file lives in.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            # Django's SQLite backend with writers queued in the process (decision 0057).
            "ENGINE": "thegither.core.sqlite",
            "NAME": DATA_DIR / "thegither.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=FULL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
            # Tests use an in-memory database. Said outright because pytest-django (which
            # only knows Django's own engine name) would otherwise give each parallel worker
            # a file named after NAME, in a folder that doesn't exist.
            "TEST": {"NAME": ":memory:"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_PREFIX = "thegither"
# Parallel test workers (pytest-xdist names them gw0, gw1, ...) each get a Redis database
# and a pub/sub prefix of their own: every test empties the cache, and pub/sub channels
# are shared by all of a server's databases (docs/decisions/0023).
_TEST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _TEST_WORKER.startswith("gw"):
    _worker = int(_TEST_WORKER[2:])
    REDIS_URL = urlsplit(REDIS_URL)._replace(path=f"/{1 + _worker}").geturl()
    REDIS_PREFIX = f"thegither-{_TEST_WORKER}"
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_PREFIX,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Live sessions' fan-out to WebSockets (live/broadcast.py): in this process by default;
# with REDIS_URL, Redis pub/sub, so several server processes can serve one session.
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": REDIS_PREFIX},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "thegither.live.layers.InMemoryChannelLayer"}}

AUTH_USER_MODEL = "accounts.User"
# The one backend also does the lock-out, so every log-in (the admin's too) is counted.
AUTHENTICATION_BACKENDS = ["thegither.accounts.backends.EmailOrUsernameBackend"]
# Django's four checks, with messages in plain words (accounts/password_validators.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "thegither.accounts.password_validators.UserAttributeSimilarityValidator"},
    {"NAME": "thegither.accounts.password_validators.MinimumLengthValidator"},
    {"NAME": "thegither.accounts.password_validators.CommonPasswordValidator"},
    {"NAME": "thegither.accounts.password_validators.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "core:home"

# Pause log-ins after repeated wrong passwords (accounts/lockout.py, decision 0015):
# per person (or per typed name that is nobody's), and per client address across names.
LOGIN_FAILURE_LIMIT = int(os.environ.get("THEGITHER_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_CLIENT_FAILURE_LIMIT = int(os.environ.get("THEGITHER_LOGIN_CLIENT_FAILURE_LIMIT", "30"))

# The proxies (IP addresses or networks) allowed to say who the client is in
# X-Forwarded-For. Empty: nobody is, and the connecting address is the client.
TRUSTED_PROXIES = env_list("THEGITHER_TRUSTED_PROXIES", "")
for _proxy in TRUSTED_PROXIES:
    try:
        # Strict, as uvicorn is: "10.0.0.1/8" would mean different things to each.
        ipaddress.ip_network(_proxy)
    except ValueError as _error:
        raise ImproperlyConfigured(
            f"THEGITHER_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network."
        ) from _error

SESSION_COOKIE_AGE = 60 * 60 * 8
# Log out after this many seconds without a request (0: never). A notice warns
# SESSION_IDLE_WARNING seconds before, with a button to stay logged in (WCAG 2.2.1).
SESSION_IDLE_TIMEOUT = int(os.environ.get("THEGITHER_IDLE_TIMEOUT_MINUTES", "30")) * 60
SESSION_IDLE_WARNING = 120

# Two-step log-in (django-otp): the name the authenticator app shows for the account.
OTP_TOTP_ISSUER = os.environ.get("THEGITHER_TWO_STEP_ISSUER", "Thegither")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Minutes a person has to type their code after a correct password.
TWO_STEP_PENDING_SECONDS = 5 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English"))]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [PACKAGE_DIR / "locale"]

STATIC_URL = "/static/"
# On a laptop static files are served straight from the apps, so nothing is collected.
STATIC_ROOT = DATA_DIR / "static" if PRODUCTION else None
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

if os.environ.get("THEGITHER_EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["THEGITHER_EMAIL_HOST"],
                "port": int(os.environ.get("THEGITHER_EMAIL_PORT", "587")),
                "username": os.environ.get("THEGITHER_EMAIL_USER", ""),
                "password": os.environ.get("THEGITHER_EMAIL_PASSWORD", ""),
                "use_tls": env_bool("THEGITHER_EMAIL_USE_TLS", True),
            },
        }
    }
else:
    # On a laptop, email is printed where the server runs, links whole. Production
    # keeps Django's own console backend, which `check --deploy` knows to refuse.
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.console.EmailBackend"
            if PRODUCTION
            else "thegither.core.mail.ConsoleEmailBackend"
        }
    }
# Background work (emails after a change is saved, decision 0045). "immediate": each task
# runs in the process that queued it, straight after the commit (one process, nothing to
# start). "database": tasks wait in the database for `thegither worker`, which
# `thegither up` starts beside the web server, so no page waits for the mail server.
TASKS_MODE = os.environ.get("THEGITHER_TASKS", "database" if PRODUCTION else "immediate")
if TASKS_MODE not in {"immediate", "database"}:
    raise ImproperlyConfigured("THEGITHER_TASKS must be 'immediate' or 'database'.")
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if TASKS_MODE == "database"
        else "django.tasks.backends.immediate.ImmediateBackend"
    }
}

DEFAULT_FROM_EMAIL = os.environ.get("THEGITHER_FROM_EMAIL", "Thegither <noreply@localhost>")

# 360Giving open data (grants/open_data.py, decision 0060): the publisher prefix that
# 360Giving gives the organisation, without the "360G-" Thegither puts in front. Every
# grant's identifier starts with it, so set it once and never change it.
THEGITHER_360GIVING_PREFIX = os.environ.get("THEGITHER_360GIVING_PREFIX", "thegither")

# No page loads anything from another site: no CDNs, fonts or analytics.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("THEGITHER_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("THEGITHER_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("THEGITHER_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs keep no client addresses and no secrets from links (decision 0016): every line
# passes through a filter that hides join tokens, password-reset links and query strings.
LOG_LEVEL = os.environ.get("THEGITHER_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "thegither.core.logs.RedactFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "loggers": {
        # Django's own handlers would print these a second time, unredacted.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
