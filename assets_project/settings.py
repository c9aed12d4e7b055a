"""Settings for the Nghệ An public premises and asset inventory.

Driven by environment variables with safe defaults for `make run`. In production
(`DEBUG` off) the secrets must be given: a missing one raises ImproperlyConfigured.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def read_env_file(path: Path) -> None:
    """Put the `NAME=value` lines of a local `.env` into the environment, under what is already set.

    `make` writes `.env` on a development machine (scripts/write-env.sh: DEBUG=1, a generated
    SECRET_KEY, the cluster's PGPORT) so `.venv/bin/python manage.py ...` works as the README writes it.
    A variable set in the environment wins; production sets its own and has no `.env`
    (git- and docker-ignored). Blank lines and `#` comments are skipped; quotes around a value dropped.
    """
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, value = line.removeprefix("export ").split("=", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        os.environ.setdefault(name.strip(), value)


read_env_file(Path(os.environ.get("ENV_FILE", BASE_DIR / ".env")))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key"  # noqa: S105 - local only, DEBUG on

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# GDAL/GEOS are found by GeoDjango from the system libraries; allow overrides.
if os.environ.get("GDAL_LIBRARY_PATH"):
    GDAL_LIBRARY_PATH = os.environ["GDAL_LIBRARY_PATH"]
if os.environ.get("GEOS_LIBRARY_PATH"):
    GEOS_LIBRARY_PATH = os.environ["GEOS_LIBRARY_PATH"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_gis",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "leaflet",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "inventory",
    "maps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Attaches the acting user and URL to every history event written in a request.
    "inventory.middleware.HistoryMiddleware",
    "csp.middleware.CSPMiddleware",
    "inventory.middleware.CurrentRequestMiddleware",
    # Reads of the API, maps and reports on the replica when one is configured.
    "inventory.dbrouter.ReplicaMiddleware",
    # Last: turns away locked-out logins.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # In production gunicorn serves static files through WhiteNoise (nginx may front it);
    # in development runserver and the test live server serve them from the apps.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "assets_project.urls"
WSGI_APPLICATION = "assets_project.wsgi.application"

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
                "inventory.context_processors.roles",
                "inventory.context_processors.csp_nonce",
            ],
        },
    },
]

DEFAULT_DATABASE_URL = "postgis://postgres@127.0.0.1:{port}/assets".format(port=os.environ.get("PGPORT", "5433"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        engine="django.contrib.gis.db.backends.postgis",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] != "django.contrib.gis.db.backends.postgis":
    # dj-database-url maps postgres:// to the plain backend; GeoDjango needs PostGIS.
    DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"

# Reads of the API, maps, reports and exports on a streaming standby (inventory.dbrouter,
# docs/scaling.md); a user who just wrote reads the primary for REPLICA_PIN_SECONDS.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        engine="django.contrib.gis.db.backends.postgis",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
    DATABASES["replica"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["inventory.dbrouter.ReplicaRouter"]
REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "15"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "inventory.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "inventory:home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first, English available.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["assets_project.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
# Cut-off of the weekly return to the Ministry of Finance (Công điện 213/CĐ-TTg): a day
# of the week and a local time in TIME_ZONE; checked by `inventory.weekly.cutoff_rule`.
WEEKLY_RETURN_CUTOFF = os.environ.get("WEEKLY_RETURN_CUTOFF", "FRI 12:00")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / ".data" / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"  # not served: uploaded files are read only through inventory.views.files
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / ".data" / "media"))
# Behind nginx (docker/nginx.conf), the file views only check scope and answer with
# X-Accel-Redirect to this internal location, which sends the file; without it, Django
# streams the file itself.
FILES_X_ACCEL = env_bool("FILES_X_ACCEL", False)
FILES_X_ACCEL_PREFIX = "/protected-files/"
STORAGES = {
    # Uploaded files get unguessable names and are served only through scoped views.
    "default": {"BACKEND": "inventory.storage.PrivateFileStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HTTPS only in production (`manage.py check --deploy` is clean with DEBUG off).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
# GIS clients send the user's GIS password with HTTP Basic on /ogc/: over HTTPS only in production.
GIS_PASSWORD_HTTPS_ONLY = env_bool("GIS_PASSWORD_HTTPS_ONLY", not DEBUG)
X_FRAME_OPTIONS = "DENY"

# Logins: five failures for a user name from one address lock it out for 15 minutes;
# every login and every failure is recorded (axes: AccessLog, AccessAttempt/AccessFailureLog).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0" if DEBUG else "1"))

# Map defaults: the whole province of Nghệ An. The base map URL is a setting so an
# offline deployment can point at its own tile server, or at none.
BASEMAP_URL = os.environ.get("BASEMAP_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")

# Content security policy: scripts only from here, inline ones only with the request's
# nonce (django-leaflet's templates carry it); styles may be inline (Leaflet positions
# its panes with style attributes); images also from the base map's tile server.
_tiles = urlsplit(BASEMAP_URL.replace("{s}.", ""))
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:", *([f"{_tiles.scheme}://{_tiles.netloc}"] if _tiles.netloc else [])],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (19.2, 104.9),
    "DEFAULT_ZOOM": 8,
    "MIN_ZOOM": 6,
    "MAX_ZOOM": 18,
    "RESET_VIEW": False,
    "TILES": [(_("Base map"), BASEMAP_URL, {"attribution": "© OpenStreetMap"})] if BASEMAP_URL else [],
    # Leaflet's zoom buttons and Leaflet.draw's tools in the page's language, on every map
    # (inventory/leaflet_text.py).
    "PLUGINS": {"locale": {"js": ["/map-locale.js", "js/map_locale.js"], "auto-include": True}},
}

# The API (/api/v1/): sessions for the browsable API, a token per user for programs;
# reads for every signed-in user within their scope, writes through the web's services;
# a request budget per user (so per token).
REST_FRAMEWORK = {
    # Token first: a caller without credentials gets 401 with WWW-Authenticate: Token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": os.environ.get("API_RATE", "5000/hour")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Nghệ An public premises and assets — API",
    "DESCRIPTION": (
        "Read access for auditors and other systems to premises, assets, declarations, needs, handling "
        "records, their full history and the reports; GeoJSON for spatial lists, CSV and XLSX exports. "
        "Authenticate with a session or `Authorization: Token <key>` (a token per user, made on the user's "
        "page). OGC API – Features at /ogc/."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# History: every tracked model records insert, update and delete events (trackers are
# declared on each model). Event tables copy the tracked row's foreign keys without
# indexing them: history is read by object and by context, both indexed, and eight
# extra indexes per event table would slow every bulk write.
import pghistory  # noqa: E402

PGHISTORY_DEFAULT_TRACKERS = None
# History is append-only: PostgreSQL refuses UPDATE and DELETE on every event table
# (a trigger on each); in production the application's role also lacks those
# privileges (`manage.py protect_history`, docs/deployment.md).
PGHISTORY_APPEND_ONLY = True
PGHISTORY_FOREIGN_KEY_FIELD = pghistory.ForeignKey(db_index=False)
# Events are found by record through the (record, event id) index of each event table
# (inventory.models.base.track_history), which also orders them.
PGHISTORY_OBJ_FIELD = pghistory.ObjForeignKey(db_index=False)
PGHISTORY_CONTEXT_FIELD = pghistory.ContextForeignKey(db_index=True)
# The admin's event list reads each table's newest events by key instead of pghistory's
# query over every event ever recorded (inventory/admin_history.py).
PGHISTORY_ADMIN_CLASS = "inventory.admin_history.HistoryEventsAdmin"

# Declarations: original cost from which an asset needs the Finance department's approval
# (Circular 48/2023 Art. 10.1), distance from a commune's centre beyond which a location
# must be confirmed, and upload limits.
APPROVAL_THRESHOLD_VND = int(os.environ.get("APPROVAL_THRESHOLD_VND", "500000000"))
# Form 04c-ĐK/TSC lists the other fixed assets of original cost (as booked) at or above
# this per asset unit (Decree 151/2017 Art. 126, carried on; verify against the text in force).
FORM_04C_THRESHOLD_VND = int(os.environ.get("FORM_04C_THRESHOLD_VND", "500000000"))
# A book remaining value further than this from the recomputed check is flagged for review
# by Finance ("book value differs from check"); a choice of this project, not a legal value.
BOOK_CHECK_TOLERANCE_VND = int(os.environ.get("BOOK_CHECK_TOLERANCE_VND", "1000"))
COMMUNE_DISTANCE_WARNING_M = int(os.environ.get("COMMUNE_DISTANCE_WARNING_M", "5000"))
WORKBOOK_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# Photos: the most pixels a photo may declare (Pillow's Image.MAX_IMAGE_PIXELS is set to
# it too). Decoding needs up to 4 bytes per pixel and a copy for re-encoding, so 40 million
# pixels (a 48-megapixel camera's photo is larger: it must be scaled down first) keep a
# worker under about 300 MB.
ATTACHMENT_MAX_PIXELS = int(os.environ.get("ATTACHMENT_MAX_PIXELS", "40000000"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Public register (/cong-khai/): registrations of interest accepted from one address
# within the window (seconds), counted in Django's cache.
PUBLIC_INTEREST_LIMIT = int(os.environ.get("PUBLIC_INTEREST_LIMIT", "5"))
PUBLIC_INTEREST_WINDOW = int(os.environ.get("PUBLIC_INTEREST_WINDOW", "3600"))

# The province this deployment serves (official 2025 code; 40 = Nghệ An).
PROVINCE_CODE = os.environ.get("PROVINCE_CODE", "40")

# Background jobs (docs/scaling.md): django-tasks with its database backend; `manage.py
# db_worker` runs them (`make run` starts one beside the dev server, docker/ a service).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Workbooks with more data rows than this are imported by a job; exports of more rows than
# this are written by a job (the page shows its progress and then the file).
JOB_IMPORT_ROWS = int(os.environ.get("JOB_IMPORT_ROWS", "3000"))
JOB_EXPORT_ROWS = int(os.environ.get("JOB_EXPORT_ROWS", "100000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# Debian 12 ships GDAL 3.6, which cannot block file and network access from spatial
# reference strings (gis.W001). Spatial references here come from our own data and
# from uploaded files that are parsed by GDAL either way; upgrade GDAL to lift this.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]
