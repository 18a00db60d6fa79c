"""Liap Tui settings: one module, driven entirely by environment variables.

With nothing set, the project runs on the embedded default: a SQLite file,
the in-memory channel layer, a local-memory cache and maintenance run
in-process. Setting ``DATABASE_URL`` and ``REDIS_URL`` switches to the
production configuration (PostgreSQL, channels-redis, Redis cache, Celery).
Every variable is listed in README.md.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from liaptui.env import env_bool, env_float, env_int, env_list, env_str
from liaptui.gc_tuning import parse_thresholds
from liaptui.logging_setup import build_logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Core ----------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set and DEBUG is off. Refusing to start: set SECRET_KEY "
            "to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
OPS_API_TOKEN = env_str("OPS_API_TOKEN")
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30  # a guest keeps their seat for a month
SESSION_SAVE_EVERY_REQUEST = False

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_prometheus",
    "health_check",
    "django_celery_beat",
    "eventstore",
    "games",
    "monitoring",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "liaptui.correlation.CorrelationIdMiddleware",
    "monitoring.middleware.RequestMetricsMiddleware",
    "monitoring.middleware_levers.BlockedAddressMiddleware",
    "monitoring.middleware_levers.ReadOnlyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "liaptui.urls"
ASGI_APPLICATION = "liaptui.asgi.application"
WSGI_APPLICATION = None

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
            ],
        },
    },
]

# --- Database ------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    _db = dj_database_url.parse(DATABASE_URL)
    if _db["ENGINE"] in (
        "django.db.backends.postgresql",
        "django_prometheus.db.backends.postgresql",
    ):
        # django-prometheus's backend, with its cursor class built once (see there)
        _db["ENGINE"] = "liaptui.db_backends.postgresql"
        _pool_size = env_int("DB_POOL_MAX_SIZE", 10)
        _db["CONN_MAX_AGE"] = 0  # pooling replaces persistent connections
        if _pool_size > 0:
            _db.setdefault("OPTIONS", {})["pool"] = {
                "min_size": 1,
                "max_size": _pool_size,
                "timeout": 10,
            }
    _db.setdefault("TEST", {})["NAME"] = env_str("TEST_DATABASE_NAME", "") or None
    DATABASES = {"default": _db}
else:
    _sqlite_path = env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))
    DATABASES = {
        "default": {
            "ENGINE": "liaptui.db_backends.sqlite3",
            "NAME": _sqlite_path,
            "OPTIONS": {
                # WAL lets readers run while one writer commits; IMMEDIATE takes
                # the write lock up front so concurrent appends wait instead of
                # failing with "database is locked" half-way through.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # Tests use a file too: threads and server processes share it, and an
            # in-memory shared-cache database fails with "table is locked".
            "TEST": {"NAME": env_str("SQLITE_TEST_PATH") or None},
        }
    }
# Worker threads per server process for services called from sockets and timers
# (keep at or below DB_POOL_MAX_SIZE so threads do not wait for connections).
# One by default: a command is one database statement, and a second thread
# mostly fought the event loop for the GIL (200-room load test: p99 about
# halved with 1 thread; docs/performance.md).
SERVICE_THREADS = env_int("SERVICE_THREADS", 1)
# PostgreSQL connections per server process on which players' moves are
# written straight from the event loop (eventstore.async_append); 0 sends
# every command through the service thread as before.
ASYNC_APPEND_CONNECTIONS = env_int("ASYNC_APPEND_CONNECTIONS", 4)
# Cyclic GC of the server process (liaptui.gc_tuning): "a,b,c" thresholds,
# "off" for CPython's defaults; the ASGI entry point freezes start-up objects.
GC_THRESHOLDS = parse_thresholds(env_str("GC_THRESHOLDS"))
DATABASE_VENDOR = (
    "postgresql"
    if DATABASE_URL.startswith(("postgres", "postgresql"))
    else ("sqlite" if not DATABASE_URL else "other")
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer, cache, Celery ------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # pubsub (default): one Redis PUBLISH per room change, received once per
    # process; core: per-consumer queues. Measured choice: docs/architecture.md.
    CHANNEL_LAYER_KIND = env_str("CHANNEL_LAYER", "pubsub")
    if CHANNEL_LAYER_KIND == "pubsub":
        CHANNEL_LAYERS = {
            "default": {
                # channels_redis's pub/sub layer, minus its one-publish-at-a-time
                # lock (liaptui/channel_layers.py).
                "BACKEND": "liaptui.channel_layers.PubSubChannelLayer",
                "CONFIG": {
                    "hosts": [{"address": REDIS_URL}],
                    "prefix": env_str("CHANNEL_LAYER_PREFIX", "liaptui"),
                },
            }
        }
    else:
        CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {
                    # The default pool of 100 connections fails handshakes at a few
                    # hundred sockets; see docs/architecture.md.
                    "hosts": [
                        {
                            "address": REDIS_URL,
                            "max_connections": env_int("REDIS_MAX_CONNECTIONS", 1000),
                        }
                    ],
                    "prefix": env_str("CHANNEL_LAYER_PREFIX", "liaptui"),
                    "capacity": 1500,
                    "expiry": 30,
                    "group_expiry": 86400,
                },
            }
        }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "liaptui"),
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    # Capacity as for the Redis core layer above: with the default of 100, a socket whose
    # room changed faster than it could send (bots at zero pace) lost the
    # overflow without a word (group_send drops on ChannelFull).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": 1500},
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True

# Maintenance runs in Celery beat when Redis is configured, otherwise in-process.
MAINTENANCE_IN_PROCESS = env_bool("MAINTENANCE_IN_PROCESS", not REDIS_URL)
# Multiplies every maintenance interval (tests shrink them; see monitoring/schedule.py).
MAINTENANCE_INTERVAL_SCALE = env_float("MAINTENANCE_INTERVAL_SCALE", 1.0)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Game defaults (per-room settings start from these) ----------------------
LIAPTUI = {
    "TARGET_SCORE": env_int("GAME_TARGET_SCORE", 50),
    "ACTION_TIME_LIMIT": env_float("GAME_ACTION_TIME_LIMIT", 60.0),  # seconds, 0 = off
    "REDEAL_WINDOW": env_float("GAME_REDEAL_WINDOW", 30.0),
    "BOT_DELAY": env_float("GAME_BOT_DELAY", 1.0),
    "TURN_RESULT_PAUSE": env_float("GAME_TURN_RESULT_PAUSE", 2.5),
    "ROUND_RESULT_PAUSE": env_float("GAME_ROUND_RESULT_PAUSE", 5.0),
    "DISCONNECT_GRACE": env_float("GAME_DISCONNECT_GRACE", 5.0),  # refresh ≠ leaving
    "CONNECTION_STALE_AFTER": env_float("WS_CONNECTION_STALE_AFTER", 90.0),
    # each process refreshes all its open sockets' rows in one UPDATE this often
    "CONNECTION_HEARTBEAT": env_float("WS_CONNECTION_HEARTBEAT", 15.0),
    "MAX_CONNECTIONS": env_int("WS_MAX_CONNECTIONS", 2000),  # per server process
    "EMPTY_ROOM_GRACE": env_float("GAME_EMPTY_ROOM_GRACE", 120.0),
    "IDLE_ROOM_LIMIT": env_float("GAME_IDLE_ROOM_LIMIT", 3600.0),
    "EVENT_RETENTION_DAYS": env_float("EVENT_RETENTION_DAYS", 30.0),
    "RECOVERY_RETENTION_DAYS": env_float("RECOVERY_RETENTION_DAYS", 14.0),
    "SAMPLE_RETENTION_DAYS": env_float("SAMPLE_RETENTION_DAYS", 2.0),
    # The sweep leaves an overdue action to the room's own timer this long.
    "OVERDUE_GRACE": env_float("MAINTENANCE_OVERDUE_GRACE", 5.0),
    "MAX_MESSAGE_BYTES": env_int("WS_MAX_MESSAGE_BYTES", 8192),
    "RATE_LIMIT_PER_CONNECTION": env_int("WS_RATE_LIMIT_PER_CONNECTION", 20),  # msgs/s
    "RATE_LIMIT_PER_ADDRESS": env_int("WS_RATE_LIMIT_PER_ADDRESS", 60),  # msgs/s
}
if not 0 < LIAPTUI["CONNECTION_HEARTBEAT"] <= LIAPTUI["CONNECTION_STALE_AFTER"] / 2:
    raise ImproperlyConfigured(
        f"WS_CONNECTION_HEARTBEAT={LIAPTUI['CONNECTION_HEARTBEAT']} must be above 0 and at most "
        f"half of WS_CONNECTION_STALE_AFTER={LIAPTUI['CONNECTION_STALE_AFTER']}, or live "
        "sockets would be swept as stale."
    )

# --- Monitoring thresholds (good below the first, critical above the second) -
MONITORING_THRESHOLDS = {
    "websocket_latency_ms": (
        env_float("THRESHOLD_LATENCY_WARN_MS", 50),
        env_float("THRESHOLD_LATENCY_CRIT_MS", 200),
    ),
    "cpu_percent": (env_float("THRESHOLD_CPU_WARN", 60), env_float("THRESHOLD_CPU_CRIT", 80)),
    "memory_percent": (
        env_float("THRESHOLD_MEMORY_WARN", 70),
        env_float("THRESHOLD_MEMORY_CRIT", 85),
    ),
    "error_rate_percent": (
        env_float("THRESHOLD_ERROR_RATE_WARN", 0.1),
        env_float("THRESHOLD_ERROR_RATE_CRIT", 1.0),
    ),
}

SLOW_REQUEST_MS = env_float("SLOW_REQUEST_MS", 500.0)  # logged as performance events

# --- Auth, i18n, static --------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/admin/login/"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env_str("STATIC_ROOT") or None  # only for collectstatic in deploys
WHITENOISE_USE_FINDERS = True  # serve straight from static/: no collectstatic step
WHITENOISE_AUTOREFRESH = DEBUG

# --- Logging: structlog JSON on stdout ------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOGGING = build_logging_config(LOG_LEVEL)
