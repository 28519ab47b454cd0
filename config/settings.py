"""Inkwell's settings: one file, read from the environment.

Defaults make `make run` work on a laptop (SQLite under var/, a cache shared by its processes,
console e-mail, tasks in the database). Production behaviour switches on when DEBUG is off and
ALLOWED_HOSTS is set in the environment; `manage.py check --deploy` is then clean.
"""

import datetime
import hashlib
import ipaddress
import json
import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("INKWELL_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key():
    """SECRET_KEY from the environment, else one generated once and kept in var/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
PRODUCTION = not DEBUG and "ALLOWED_HOSTS" in os.environ
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "config.apps.InkwellAdminConfig",  # Django's admin with Inkwell's site (config/admin.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_comments_xtd",
    "django_comments",
    "django_tasks",
    "reversion",
    "django_prose_editor",
    "django_tasks_db",
    "axes",
    "csp",
    "blog",
    "comments",
    "wordpress",
]

MIDDLEWARE = [
    "blog.clients.ForwardedHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "blog.middleware.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "blog.auth_backends.SessionBackendMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "blog.origin.RequestOriginMiddleware",
    "blog.middleware.SiteOptionsMiddleware",
    "blog.security_headers.ContentSecurityPolicyMiddleware",
    # Kept pages are served from here: after what every response needs (headers, the CSRF
    # cookie, the CSP nonce, the site's time zone), before what only rendered pages need.
    "blog.page_cache.PageCacheMiddleware",
    "axes.middleware.AxesMiddleware",
    "wordpress.middleware.RestDiscoveryMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # `theme/NAME` is the active theme's template, else classic's (blog/themes.py).
            "loaders": [
                (
                    "blog.themes.CachedLoader",
                    [
                        "blog.themes.ThemeLoader",
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "blog.context_processors.site",
            ],
        },
    },
]


def _database(url):
    config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Every SQLite database, also one named by DATABASE_URL, runs in WAL mode with a busy
        # timeout, and takes its write lock when a transaction starts so concurrent writers
        # queue instead of failing with "database is locked". Connections are kept (as for
        # any database) since opening one runs those pragmas again.
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        config["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
    return config


DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'inkwell.sqlite3'}"
DATABASES = {"default": _database(DATABASE_URL)}


def _beside_database(name, suffix=".sqlite3"):
    """A file name for state shared by this site's processes: `name.sqlite3` for the default
    database, else suffixed with a digest of DATABASE_URL, so sites never share it."""
    if not os.environ.get("DATABASE_URL"):
        return f"{name}{suffix}"
    return f"{name}-{hashlib.sha256(DATABASE_URL.encode()).hexdigest()[:12]}{suffix}"


DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Signed-in readers' sessions are read from the shared cache (every process sees the same),
# written through to the database so a cache flush signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "inkwell",
        }
    }
else:
    # One SQLite file under INKWELL_VAR_DIR shared by every process of this site (gunicorn
    # workers, the task worker, management commands), named after the database it serves.
    CACHES = {
        "default": {
            "BACKEND": "config.sqlite_cache.SQLiteCache",
            "LOCATION": str(VAR_DIR / _beside_database("cache")),
            "KEY_PREFIX": "inkwell",
        }
    }
# Views counted but not yet written (blog/stats/buffer.py): Redis, else an LMDB file.
INKWELL_VIEWS_BUFFER = REDIS_URL or str(VAR_DIR / _beside_database("views-buffer", ".lmdb"))
INKWELL_VIEWS_FLUSH_SECONDS = float(os.environ.get("INKWELL_VIEWS_FLUSH_SECONDS", "1"))
# Each worker holds the views it counts this long, then adds them to the shared buffer in one
# write (blog/stats/held.py); 0 writes each view as it is counted.
INKWELL_VIEWS_HOLD_SECONDS = float(os.environ.get("INKWELL_VIEWS_HOLD_SECONDS", "0.1"))

TASKS = {
    "default": {
        "BACKEND": os.environ.get("INKWELL_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Brute-force defence (django-axes): after INKWELL_LOGIN_FAILURE_LIMIT failed logins for one
# account or from one client address, every login for it is refused for the cool-off time, the
# right password included. The post-password form counts the same way (blog/guesses.py).
# Application passwords are accepted by the APIs only (wordpress/auth.py), never by the login.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "wordpress.auth.ApplicationPasswordBackend",
    "blog.auth_backends.ModelBackend",
]
INKWELL_LOGIN_FAILURE_LIMIT = 10
INKWELL_LOGIN_COOLOFF = datetime.timedelta(
    minutes=float(os.environ.get("INKWELL_LOGIN_COOLOFF_MINUTES", "15"))
)
AXES_FAILURE_LIMIT = INKWELL_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = INKWELL_LOGIN_COOLOFF
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "blog.clients.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en-us")
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
# Translations shipped with Inkwell; the site's language is chosen under Settings → General.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Serve uploads from Django itself: right for a single host, off when a CDN or S3 serves them.
INKWELL_SERVE_MEDIA = env_bool("INKWELL_SERVE_MEDIA", True)
# Files no URL serves (uploaded WordPress exports while they are imported); never under MEDIA_ROOT.
INKWELL_PRIVATE_DIR = Path(os.environ.get("INKWELL_PRIVATE_DIR", VAR_DIR / "private"))
STORAGES = {
    # Uploads: local files by default; S3-compatible storage by configuration alone, e.g.
    # MEDIA_STORAGE_BACKEND=storages.backends.s3.S3Storage and MEDIA_STORAGE_OPTIONS as JSON
    # ({"bucket_name": "...", "endpoint_url": "..."}) once django-storages is installed.
    "default": {
        "BACKEND": os.environ.get(
            "MEDIA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": json.loads(os.environ.get("MEDIA_STORAGE_OPTIONS") or "{}"),
    },
    "staticfiles": {
        "BACKEND": os.environ.get("STATICFILES_BACKEND", "config.static_storage.StaticFilesStorage")
    },
}

SITE_ID = 1
# Largest file the media library accepts (images, PDF, audio).
INKWELL_MAX_UPLOAD_BYTES = int(os.environ.get("INKWELL_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
LOGIN_URL = "admin:login"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Inkwell <inkwell@localhost>")

# Discussion, on django-comments-xtd. No e-mail confirmation step: WordPress holds comments
# for moderation instead.
COMMENTS_APP = "django_comments_xtd"
COMMENTS_XTD_MODEL = "comments.models.Comment"
COMMENTS_XTD_FORM_CLASS = "comments.forms.CommentForm"
COMMENTS_XTD_CONFIRM_EMAIL = False
COMMENTS_XTD_THREADED_EMAILS = False
# Stored depth; the depth shown is a site option (WordPress: 5, up to 10).
COMMENTS_XTD_MAX_THREAD_LEVEL = 10
COMMENT_MAX_LENGTH = 65525

# Anonymous readers get pages from the shared cache (blog/page_cache.py); off for measuring.
INKWELL_PAGE_CACHE = env_bool("INKWELL_PAGE_CACHE", True)

# Single-post loads by these user agents are not counted as views (case-insensitive substrings).
INKWELL_BOT_USER_AGENTS = env_list(
    "INKWELL_BOT_USER_AGENTS",
    "bot,crawl,spider,slurp,archiver,facebookexternalhit,feedfetcher,python-requests,"
    "curl/,wget/,headlesschrome,lighthouse,pingdom,uptime,monitor",
)

# Optional Akismet spam check: only when a key is set.
AKISMET_API_KEY = os.environ.get("AKISMET_API_KEY", "")
INKWELL_AKISMET_CLIENT = os.environ.get("INKWELL_AKISMET_CLIENT", "akismet.SyncClient")
# The site's public address, for links in e-mails and for Akismet.
# Default: where `make run` serves (its HOST and PORT), so links in mail from the worker work.
INKWELL_SITE_URL = os.environ.get("INKWELL_SITE_URL") or "http://{}:{}".format(
    os.environ.get("HOST", "127.0.0.1"), os.environ.get("PORT", "8000")
)
# Comment forms posted sooner than this after the page was served are refused (bots).
INKWELL_COMMENT_MIN_SECONDS = int(os.environ.get("INKWELL_COMMENT_MIN_SECONDS", "3"))

# The safe fetcher (comments/pings/fetch.py): pingback verification and discovery.
INKWELL_FETCH_ALLOW_LOOPBACK = env_bool("INKWELL_FETCH_ALLOW_LOOPBACK", False)
INKWELL_FETCH_PORTS = [int(p) for p in env_list("INKWELL_FETCH_PORTS", "80,443,8080")]
INKWELL_FETCH_TIMEOUT = float(os.environ.get("INKWELL_FETCH_TIMEOUT", "5"))
# Pingbacks and trackbacks.
INKWELL_XMLRPC_ENABLED = env_bool("INKWELL_XMLRPC_ENABLED", True)
# Embedded links of other sites become cards from their oEmbed, fetched by the worker.
INKWELL_OEMBED_DISCOVERY = env_bool("INKWELL_OEMBED_DISCOVERY", True)
INKWELL_PINGBACK_DETAILED_FAULTS = env_bool("INKWELL_PINGBACK_DETAILED_FAULTS", False)
INKWELL_PING_RATE_LIMIT = int(os.environ.get("INKWELL_PING_RATE_LIMIT", "30"))  # per IP a minute
INKWELL_PING_MAX_BODY = int(os.environ.get("INKWELL_PING_MAX_BODY", str(64 * 1024)))
INKWELL_PINGBACK_RECHECK_SECONDS = int(os.environ.get("INKWELL_PINGBACK_RECHECK_SECONDS", "600"))
# Host names this site also answers to, for recognising its own URLs in pingbacks.
INKWELL_SITE_DOMAINS = env_list("INKWELL_SITE_DOMAINS")
# Proxies (IPs or CIDRs) whose X-Forwarded-For and X-Forwarded-Proto are believed: blog/clients.py.
INKWELL_TRUSTED_PROXIES = env_list("INKWELL_TRUSTED_PROXIES")
for _proxy in INKWELL_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(f"INKWELL_TRUSTED_PROXIES: {_error}") from _error

# Content-Security-Policy on every response (blog/security_headers.py). Inline <script> blocks in
# templates carry nonce="{{ request.csp_nonce }}"; styles may be inline (themes set colours and
# sizes in style attributes); images, audio and embedded frames may come from other sites.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": ["*", "data:"],
        "media-src": ["*"],
        "frame-src": ["https:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
INKWELL_ADMIN_PATH_PREFIX = "/admin/"
INKWELL_ADMIN_CSP_UPDATE = {"script-src": [UNSAFE_INLINE], "img-src": ["blob:"]}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},  # one INFO line per login otherwise
}

if PRODUCTION:
    if INKWELL_TRUSTED_PROXIES:  # and then only from them: blog.clients.ForwardedHeadersMiddleware
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading is a promise to browsers that is slow to take back: only when asked for.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_REFERRER_POLICY = "same-origin"
