"""Django settings for Sapa.

How configuration works: every value an operator may change comes from an environment
variable, read here once through the typed helpers in `sapa.core.environment`, with a safe
default for the embedded single-machine mode (SQLite and a SQLite task queue under ./var/).
Setting DATABASE_URL to a postgres:// URL and REDIS_URL switches to the scaled-out shape
(PostgreSQL, Redis channel layer and Redis task queue); nothing else changes. Tunables that
code reads at call time (limits, windows) are plain settings so that tests can use
`override_settings`. The README's configuration table lists every variable.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

from sapa.core.environment import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    env_time_range,
)
from sapa.core.secret_key import load_or_create_secret_key

SRC_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("SAPA_VAR_DIR", "var")).resolve()

SECRET_KEY = load_or_create_secret_key(VAR_DIR)
DEBUG = env_bool("SAPA_DEBUG", False)

SAPA_BASE_URL = env_str("SAPA_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
_base_host = urlsplit(SAPA_BASE_URL).hostname or "127.0.0.1"
ALLOWED_HOSTS = env_list("SAPA_ALLOWED_HOSTS", [_base_host, "127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = [SAPA_BASE_URL]
if SAPA_BASE_URL.startswith("https://"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "huey.contrib.djhuey",
    "ninja",
    "sapa.core",
    "sapa.accounts",
    "sapa.customers",
    "sapa.channels",
    "sapa.channels.email",
    "sapa.channels.chat",
    "sapa.channels.whatsapp",
    "sapa.channels.telegram",
    "sapa.channels.voice",
    "sapa.channels.walkin",
    "sapa.conversations",
    "sapa.commerce",
    "sapa.kb",
    "sapa.helpcenter",
    "sapa.bot",
    "sapa.routing",
    "sapa.sla",
    "sapa.automations",
    "sapa.promises",
    "sapa.webhooks",
    "sapa.engagement",
    "sapa.journey",
    "sapa.loyalty",
    "sapa.surveys",
    "sapa.reviews",
    "sapa.demo",
    "sapa.web",
    # Last, as its documentation asks: it records failed logins of every login form.
    "axes",
]

MIDDLEWARE = [
    "sapa.core.server_timing.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sapa.web.middleware.AgentLanguageMiddleware",
    "sapa.web.middleware.ClerkScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sapa.web.content_security.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sapa.urls"
ASGI_APPLICATION = "sapa.asgi.application"
WSGI_APPLICATION = "sapa.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'sapa.sqlite3'}")
_database = dj_database_url.parse(DATABASE_URL)
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend, with one process's writers taking turns (see its docstring).
    _database["ENGINE"] = "sapa.core.sqlite_backend"
    _database["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue on the busy
        # timeout instead of failing with "database is locked" when upgrading a read lock.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    _database["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
elif _database["ENGINE"] == "django.db.backends.postgresql":
    _database.setdefault("OPTIONS", {})
    _database["OPTIONS"].setdefault("connect_timeout", 5)
    if env_bool("SAPA_DB_POOL", True):
        # Django's psycopg pool: connections are handed back at the end of each request
        # and reused, instead of one new PostgreSQL connection per request.
        _database["CONN_MAX_AGE"] = 0
        _database["OPTIONS"]["pool"] = {
            "min_size": env_int("SAPA_DB_POOL_MIN", 2, minimum=0),
            "max_size": env_int("SAPA_DB_POOL_MAX", 20, minimum=1),
            # Seconds a request waits for a connection; also how long /healthz takes to
            # report an unreachable database.
            "timeout": env_int("SAPA_DB_POOL_TIMEOUT", 5, minimum=1),
        }
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Queue, cache and realtime ----------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
HUEY = {
    "name": "sapa",
    "immediate": False,
    "consumer": {"workers": env_int("SAPA_WORKER_THREADS", 2, minimum=1), "worker_type": "thread"},
}
if REDIS_URL:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": REDIS_URL})
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "queue.sqlite3")})
    # SqliteHuey is polled; an idle worker backs off to at most 1 s between looks instead of
    # Huey's 10 s, so a task enqueued after a quiet spell (routing a new ticket) starts
    # within a second. Redis is read with a blocking pop and needs no polling.
    HUEY["consumer"]["max_delay"] = 1.0  # type: ignore[index]
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.Agent"
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
AUTHENTICATION_BACKENDS = [
    # django-axes refuses logins of a locked-out account or address before the password
    # is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:inbox"
LOGOUT_REDIRECT_URL = "web:login"

# Login throttling: after SAPA_LOGIN_FAILURE_LIMIT failures an account, and separately an
# address, is locked for SAPA_LOGIN_LOCKOUT_MINUTES (failures are stored in the database,
# so every web process sees them).
AXES_FAILURE_LIMIT = env_int("SAPA_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SAPA_LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/auth/locked_out.html"
AXES_VERBOSE = False

# --- Language and time ------------------------------------------------------------------
LANGUAGE_CODE = env_str("SAPA_LANGUAGE", "id")
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

# --- Files ------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("SAPA_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Request bodies above this are refused with a clear error before any parsing.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("SAPA_MAX_REQUEST_BYTES", 25 * 1024 * 1024, minimum=1024)

# --- Sapa tunables (read at call time) --------------------------------------------------
SAPA_MAX_MESSAGE_CHARS = env_int("SAPA_MAX_MESSAGE_CHARS", 100_000, minimum=100)
SAPA_MAX_ATTACHMENT_BYTES = env_int("SAPA_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024, minimum=1)
SAPA_MAX_ATTACHMENTS = env_int("SAPA_MAX_ATTACHMENTS", 20, minimum=0)
SAPA_THREAD_WINDOW_HOURS = env_int("SAPA_THREAD_WINDOW_HOURS", 24, minimum=0)
SAPA_DELIVERY_MAX_ATTEMPTS = env_int("SAPA_DELIVERY_MAX_ATTEMPTS", 6, minimum=1)
SAPA_DELIVERY_BACKOFF_SECONDS = env_int("SAPA_DELIVERY_BACKOFF_SECONDS", 30, minimum=1)
SAPA_PAGE_SIZE = env_int("SAPA_PAGE_SIZE", 50, minimum=1, maximum=200)
SAPA_SHOP = env_str("SAPA_SHOP", "default")

# --- Orders and shipments (docs/orders.md) ------------------------------------------------
# Shared secrets of the signed order webhook POST /hooks/orders/ (comma separated, so one can
# be rotated; empty: the webhook is off) and its largest body.
SAPA_ORDER_WEBHOOK_SECRETS = env_list("SAPA_ORDER_WEBHOOK_SECRET", [])
SAPA_ORDER_WEBHOOK_MAX_BYTES = env_int("SAPA_ORDER_WEBHOOK_MAX_BYTES", 1024 * 1024, minimum=1024)
# CSV order imports in the console: largest file and most rows.
SAPA_ORDER_IMPORT_MAX_BYTES = env_int("SAPA_ORDER_IMPORT_MAX_BYTES", 5 * 1024 * 1024, minimum=1)
SAPA_ORDER_IMPORT_MAX_ROWS = env_int("SAPA_ORDER_IMPORT_MAX_ROWS", 20_000, minimum=1)
# Days without a tracking event after which a parcel of a carrier without its own policy
# (console: Orders → Carrier delay policies) is delayed, and whether its customer is told.
SAPA_DELIVERY_DELAY_DAYS = env_int("SAPA_DELIVERY_DELAY_DAYS", 3, minimum=1)
SAPA_DELIVERY_DELAY_NOTIFY = env_bool("SAPA_DELIVERY_DELAY_NOTIFY", True)

# --- WhatsApp channel (docs/whatsapp.md) -------------------------------------------------
# The largest webhook body Meta may POST to /hooks/whatsapp/, and how long a Graph API call
# (send, upload, media download, template list) may take.
SAPA_WHATSAPP_MAX_WEBHOOK_BYTES = env_int(
    "SAPA_WHATSAPP_MAX_WEBHOOK_BYTES", 3 * 1024 * 1024, minimum=1024
)
SAPA_WHATSAPP_TIMEOUT_SECONDS = env_int("SAPA_WHATSAPP_TIMEOUT_SECONDS", 20, minimum=1, maximum=120)

# --- Email channel (docs/channels.md#email) ----------------------------------------------
# The SMTP server for mailboxes without their own (smtp://user:pass@host:587); empty: replies
# are kept by the log adapter instead of being sent.
SAPA_SMTP_URL = env_str("SAPA_SMTP_URL")
# Mailboxes owned by the environment, a JSON list of {"address", "name", "team", "imap",
# "smtp", "move_to", "aliases", "auto_acknowledge"}; applied when the web or worker starts.
SAPA_EMAIL_MAILBOXES = env_str("SAPA_EMAIL_MAILBOXES")
# More addresses that are ours (mail from them is a loop and is ignored).
SAPA_EMAIL_OWN_ADDRESSES = env_list("SAPA_EMAIL_OWN_ADDRESSES", [])
SAPA_EMAIL_MAX_RAW_BYTES = env_int("SAPA_EMAIL_MAX_RAW_BYTES", 40 * 1024 * 1024, minimum=1024)
# Automatic messages (acknowledgements, later automations) one address gets per hour at most.
SAPA_AUTOMATIC_PER_ADDRESS_PER_HOUR = env_int("SAPA_AUTOMATIC_PER_ADDRESS_PER_HOUR", 3, minimum=0)
# Polling interval for mailboxes whose server has no IDLE (and the fallback when IDLE drops).
SAPA_IMAP_POLL_SECONDS = env_int("SAPA_IMAP_POLL_SECONDS", 60, minimum=5)
# Whether `sapa worker` keeps IDLE connections open (push within seconds).
SAPA_IMAP_IDLE = env_bool("SAPA_IMAP_IDLE", True)

# --- Knowledge base and search ----------------------------------------------------------
# Embedders for semantic search, comma separated: "e5" (multilingual-e5-small), "use"
# (universal-sentence-encoder-multilingual), or "off" (full-text ranking only).
SAPA_EMBEDDINGS = env_str("SAPA_EMBEDDINGS", "e5,use")
SAPA_EMBEDDING_THREADS = env_int("SAPA_EMBEDDING_THREADS", 2, minimum=1)
# Off: index and search plain lower-cased words (no slang map, stopwords or stemming); for
# measuring what textid adds, not for production.
SAPA_SEARCH_TEXTID = env_bool("SAPA_SEARCH_TEXTID", True)
# Shop branding of the help center and the customer portal.
SAPA_SHOP_NAME = env_str("SAPA_SHOP_NAME", "Toko Buku Sapa")
SAPA_SHOP_LOGO_URL = env_str("SAPA_SHOP_LOGO_URL")
SAPA_SHOP_COLOUR = env_str("SAPA_SHOP_COLOUR", "#0f766e")
SAPA_KB_MAX_ATTACHMENT_BYTES = env_int("SAPA_KB_MAX_ATTACHMENT_BYTES", 5 * 1024 * 1024, minimum=1)
# Portal sign-in links: how long one stays valid.
SAPA_PORTAL_LINK_MINUTES = env_int("SAPA_PORTAL_LINK_MINUTES", 30, minimum=1)
# Requests ("Kirim permintaan") one address or IP may send per hour.
SAPA_PORTAL_REQUESTS_PER_HOUR = env_int("SAPA_PORTAL_REQUESTS_PER_HOUR", 5, minimum=1)

# --- Chat widget and bot ---------------------------------------------------------------
# Messages one chat visitor may send a minute (five times as many from one IP address).
SAPA_CHAT_MESSAGES_PER_MINUTE = env_int("SAPA_CHAT_MESSAGES_PER_MINUTE", 20, minimum=1)
# New chat visitors (browsers without a token) one IP address may start an hour.
SAPA_CHAT_NEW_VISITORS_PER_IP_PER_HOUR = env_int(
    "SAPA_CHAT_NEW_VISITORS_PER_IP_PER_HOUR", 300, minimum=1
)
# Chat websocket connections one IP address may open a minute (reconnects count).
SAPA_CHAT_CONNECTS_PER_IP_PER_MINUTE = env_int(
    "SAPA_CHAT_CONNECTS_PER_IP_PER_MINUTE", 120, minimum=1
)

# --- Routing, SLAs, automations -----------------------------------------------------------
# Domains that react to committed events, in this order (sapa.core.event_dispatch): routing
# first, so SLA clocks and triggers see the team and priority routing chose.
SAPA_EVENT_HANDLERS = [
    "sapa.routing.handlers",
    "sapa.sla.handlers",
    "sapa.automations.handlers",
    "sapa.promises.handlers",
    "sapa.webhooks.handlers",
    "sapa.engagement.handlers",
    "sapa.loyalty.handlers",
    "sapa.journey.handlers",
    "sapa.surveys.handlers",
]
# Minutes without console activity after which an online agent becomes away, and after
# which an away agent becomes offline (their chats are then routed to someone else).
SAPA_AWAY_AFTER_MINUTES = env_int("SAPA_AWAY_AFTER_MINUTES", 10, minimum=1)
SAPA_OFFLINE_AFTER_MINUTES = env_int("SAPA_OFFLINE_AFTER_MINUTES", 60, minimum=1)
# Runs of triggers and timed rules one ticket may have in an hour; beyond it runs are
# recorded as skipped (loop protection, docs/automations.md).
SAPA_AUTOMATION_RUNS_PER_TICKET_PER_HOUR = env_int(
    "SAPA_AUTOMATION_RUNS_PER_TICKET_PER_HOUR", 20, minimum=1
)
# Minutes before a promise's due time that its owner is reminded (docs/promises.md).
SAPA_PROMISE_REMIND_MINUTES = env_int("SAPA_PROMISE_REMIND_MINUTES", 60, minimum=0)
# Outgoing webhooks: failed attempts in a row after which a subscription is switched off;
# whether their URLs may point at private, loopback or link-local addresses (off: refused
# when saved and again when sent); seconds to wait for the receiver's answer.
SAPA_WEBHOOK_DISABLE_AFTER_FAILURES = env_int("SAPA_WEBHOOK_DISABLE_AFTER_FAILURES", 15, minimum=1)
SAPA_WEBHOOK_ALLOW_PRIVATE_NETWORKS = env_bool("SAPA_WEBHOOK_ALLOW_PRIVATE_NETWORKS", False)
SAPA_WEBHOOK_TIMEOUT_SECONDS = env_int("SAPA_WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1, maximum=60)

# --- After the sale: consent and outreach (docs/consent.md) -------------------------------
# Promotions (thank-you with a code, review requests, win-back, NPS) without a recorded
# answer: "soft_opt_in" sends them to customers until they say stop; "opt_in" only after
# a recorded yes. Surveys are always allowed until refused; service messages need no consent.
SAPA_MARKETING_CONSENT = env_choice(
    "SAPA_MARKETING_CONSENT", "soft_opt_in", ("soft_opt_in", "opt_in")
)
# Nothing Sapa starts itself goes out in these hours (shop time); it waits for their end.
SAPA_QUIET_HOURS = env_time_range("SAPA_QUIET_HOURS", "21:00-08:00")
# Surveys and promotions one customer gets at most in seven days; more are skipped.
SAPA_OUTREACH_PER_CUSTOMER_PER_WEEK = env_int("SAPA_OUTREACH_PER_CUSTOMER_PER_WEEK", 3, minimum=0)
# Surveys (docs/surveys.md): minutes after a ticket is solved that its CSAT goes out; days
# between two NPS surveys of one customer, and NPS surveys planned per daily run; days
# after any survey before an NPS may follow; whether the CSAT page also asks CES; days a
# survey may be answered, an answer changed, and a score typed in the conversation; the
# scores at or below which the team lead gets a follow-up; tags that exempt a ticket.
SAPA_CSAT_DELAY_MINUTES = env_int("SAPA_CSAT_DELAY_MINUTES", 60, minimum=0)
SAPA_NPS_INTERVAL_DAYS = env_int("SAPA_NPS_INTERVAL_DAYS", 90, minimum=1)
SAPA_NPS_PER_DAY = env_int("SAPA_NPS_PER_DAY", 200, minimum=0)
SAPA_SURVEY_QUIET_DAYS = env_int("SAPA_SURVEY_QUIET_DAYS", 14, minimum=0)
SAPA_SURVEY_ASK_CES = env_bool("SAPA_SURVEY_ASK_CES", False)
SAPA_SURVEY_ANSWER_DAYS = env_int("SAPA_SURVEY_ANSWER_DAYS", 30, minimum=1)
SAPA_SURVEY_CHANGE_DAYS = env_int("SAPA_SURVEY_CHANGE_DAYS", 7, minimum=0)
SAPA_SURVEY_INLINE_DAYS = env_int("SAPA_SURVEY_INLINE_DAYS", 7, minimum=0)
SAPA_SURVEY_LOW_CSAT = env_int("SAPA_SURVEY_LOW_CSAT", 2, minimum=0, maximum=5)
SAPA_SURVEY_LOW_NPS = env_int("SAPA_SURVEY_LOW_NPS", 6, minimum=-1, maximum=10)
SAPA_SURVEY_SKIP_TAGS = env_list("SAPA_SURVEY_SKIP_TAGS", ["spam", "merged", "no-survey"])

# After-sale (docs/after-sale.md): an order delivered longer ago than this when Sapa learns
# of it gets no thank-you, code or review request (a backfill of old orders); win-backs
# planned at most per daily run.
SAPA_AFTER_SALE_MAX_AGE_DAYS = env_int("SAPA_AFTER_SALE_MAX_AGE_DAYS", 7, minimum=0)
SAPA_WIN_BACK_PER_RUN = env_int("SAPA_WIN_BACK_PER_RUN", 1000, minimum=0)

# --- Logging ----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("SAPA_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The worker's consumer logs through its own handler; not twice through root.
        "huey": {"propagate": False, "handlers": ["console"], "level": "INFO"},
    },
}
