"""Defaults. Every key can be overridden by an ``EXPERTNET_<KEY>`` environment variable
(``app.config.from_prefixed_env("EXPERTNET")``) or by ``create_app(test_config)``."""

# Empty means "a SQLite file in the instance folder" / "index/ in the instance folder";
# create_app fills them in because the instance path is only known there.
DATABASE_URL = ""
INDEX_DIR = ""

# Generated once and kept in the instance folder when not configured.
SECRET_KEY = None

BABEL_DEFAULT_LOCALE = "vi"
# The city's time zone: every time a person reads (pages, e-mails, exports) is in it.
TIMEZONE = "Asia/Ho_Chi_Minh"
LANGUAGES = ("vi", "en")

# Seconds a writer waits for the Whoosh lock before giving up (the database write is
# kept and the document is repaired by the next reconcile).
INDEX_LOCK_TIMEOUT = 10.0
# Megabytes of decoded posting lists kept in memory per process, over all segments, at
# 6 bytes a posting (the lists used more than once stay; one outside it is read and
# decoded again when a query needs it).
SEARCH_CACHE_MB = 128
# Merge small index segments in a background thread after writes (tests merge inline,
# so that nothing runs after a test ends).
INDEX_BACKGROUND_MERGE = True
# Reconcile the index with the database when the app starts (cheap when in step).
RECONCILE_ON_START = True
# Several hosts on one PostgreSQL, each with its own index: catch up from the change
# log (expertnet/directory/catchup.py) on requests, at most every INTERVAL seconds per worker,
# and in a background thread of each worker. A missing sequence number is waited for
# GRACE seconds (a transaction still in flight) before it is taken as rolled back.
INDEX_CATCHUP = False
INDEX_CATCHUP_INTERVAL = 0.5
INDEX_CATCHUP_GRACE = 30.0
INDEX_CATCHUP_BACKGROUND = True
# /healthz answers 503 when the index is behind the database for longer than this
# (pending index writes or unapplied change-log entries older than it), or out of step
# with nothing to explain it.
HEALTH_MAX_LAG_SECONDS = 60.0

# -- logs (observability.py) ---------------------------------------------------------
# One JSON line per request on stderr (logger expertnet.log.requests), without personal data.
REQUEST_LOG = True
# SQL statements (without their parameter values) and searches (without their text)
# slower than this many milliseconds are logged; None turns the log off.
SLOW_QUERY_MS = 250
SLOW_SEARCH_MS = 500

# -- security headers (web.py) ------------------------------------------------------------
# Strict-Transport-Security: "auto" sends it on requests that came over HTTPS (through
# PROXY_FIX behind a proxy), "always" on every response, "never" not at all.
HSTS = "auto"
HSTS_MAX_AGE = 31536000

SEARCH_PER_PAGE = 20
SEARCH_MAX_PER_PAGE = 100
# Queries are cut to this many characters and words before parsing.
SEARCH_MAX_QUERY_CHARS = 500
SEARCH_MAX_QUERY_TERMS = 12

SEND_FILE_MAX_AGE_DEFAULT = 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# -- accounts ---------------------------------------------------------------------
# Cookies: HttpOnly and SameSite=Lax always; Secure whenever the request came over
# HTTPS (auth.cookies adds it) or always when SESSION_COOKIE_SECURE is set.
SESSION_COOKIE_SECURE = False
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_SECURE = False
# "Remember me" lasts two weeks at most (ASVS: a bounded lifetime).
REMEMBER_COOKIE_DURATION = 14 * 24 * 3600
REMEMBER_COOKIE_REFRESH_EACH_REQUEST = False
# argon2id parameters (argon2-cffi's RFC 9106 low-memory profile); tests lower them.
ARGON2_TIME_COST = 3
ARGON2_MEMORY_COST = 65536
ARGON2_PARALLELISM = 4

# -- rate limits on logging in (Flask-Limiter) ------------------------------------
# Counted on failed attempts only. Empty storage means a SQLite file in the instance
# folder, shared by every worker process of the host; REDIS_URL switches to Redis.
LOGIN_LIMIT_PER_ADDRESS = "20 per 15 minutes"
LOGIN_LIMIT_PER_ACCOUNT = "10 per 15 minutes"
REDIS_URL = ""
RATELIMIT_STORAGE_URI = ""
RATELIMIT_HEADERS_ENABLED = False
# Behind a reverse proxy, the number of proxies whose X-Forwarded-For / -Proto to
# trust (werkzeug ProxyFix). 0: the client address is the socket's, whatever headers say.
PROXY_FIX = 0

# CSRF: checked for every unsafe method by auth.setup (calls of the API with a Bearer
# token are authenticated by the token instead and need no CSRF token; pages ignore
# the header).
WTF_CSRF_ENABLED = True
WTF_CSRF_CHECK_DEFAULT = False
WTF_CSRF_TIME_LIMIT = 3600 * 8

# -- invitations to claim a profile ---------------------------------------------------
# Days an invitation link stays valid; single-use. Days, not hours: people
# abroad read their mail late and answer slowly. Password reset and registration links,
# which a person asks for themselves, keep their short lifetimes in hours.
INVITATION_DAYS = 14

# -- background tasks (Huey) -----------------------------------------------------------
# None: immediate (run inside the enqueuing call) when TESTING, else queued in
# tasks.sqlite3 in the instance folder, or in Redis when REDIS_URL is set.
TASKS_IMMEDIATE = None

# -- e-mail ---------------------------------------------------------------------------
# MAIL_BACKEND: "" chooses "smtp" when MAIL_SERVER is set and "none" otherwise
# (invitation links are then shown to the curator); "memory" keeps messages for tests.
MAIL_BACKEND = ""
MAIL_SERVER = ""
MAIL_PORT = 587
# STARTTLS on a plain connection (port 587), or SSL from the start (port 465).
MAIL_USE_TLS = True
MAIL_USE_SSL = False
MAIL_USERNAME = ""
MAIL_PASSWORD = ""
MAIL_SENDER = "noreply@localhost"
MAIL_SENDER_NAME = "Expertnet Hai Phong"
MAIL_TIMEOUT = 20
# The outbox (mail.py): a failed attempt is tried again after MAIL_RETRY_DELAY seconds,
# then that times MAIL_RETRY_FACTOR, and so on (1 min, 5, 25, 125 …); after
# MAIL_MAX_ATTEMPTS attempts the message is "failed" and admins see its last error
# (/admin/mail; `flask mail-retry --failed` queues it again).
MAIL_RETRY_DELAY = 60
MAIL_RETRY_FACTOR = 5
MAIL_MAX_ATTEMPTS = 6
# A message claimed by a worker that died before answering is tried again after this.
MAIL_CLAIM_TIMEOUT = 600
# The body of a message (it may hold a single-use link) is erased once sent, and after
# this many hours whether sent or not (its links have expired by then anyway).
MAIL_BODY_KEEP_HOURS = 72

# -- saved searches and alerts (saved_searches.py) ---------------------------------------
# The digest task runs every day at this hour (UTC) from the worker; `flask send-digests`
# does the same from cron. Each saved search is checked against at most this many of
# its most recently changed matches.
DIGEST_HOUR = 6
SAVED_SEARCH_SCAN = 500
# When a search is saved, up to this many of its matches are recorded as already known.
SAVED_SEARCH_BASELINE = 20000
SAVED_SEARCHES_PER_USER = 50

# -- links in e-mail --------------------------------------------------------------------
# The site's address as people reach it ("https://experts.haiphong.gov.vn"): links in
# e-mail are built on it, also by the worker and by commands, which have no request.
# Without it a link takes the host of the request that caused the message: trusted for
# a curator's request (an invitation), but for an anonymous one (password reset,
# registration) only when Flask's TRUSTED_HOSTS limits the Host header (links.py).
BASE_URL = ""

# -- password reset -----------------------------------------------------------------------
# Hours a reset link stays valid (SECURITY.md: hours, not days); it dies once used.
PASSWORD_RESET_HOURS = 2
# Asking for a link: per client address, and per e-mail address asked for (so that
# nobody's mailbox is flooded). Every request that passes the form counts.
RESET_LIMIT_PER_ADDRESS = "10 per hour"
RESET_LIMIT_PER_ACCOUNT = "3 per hour"

# -- self-registration ----------------------------------------------------------------------
# Hours the e-mail confirmation link of a registration stays valid.
REGISTRATION_HOURS = 24
REGISTER_LIMIT_PER_ADDRESS = "10 per hour"
REGISTER_LIMIT_PER_ACCOUNT = "3 per hour"

# -- keeping profiles fresh -----------------------------------------------------------------
# A profile its owner has not confirmed for this many months is stale.
STALE_MONTHS = 12
# An owner is reminded of a stale profile at most once in this many days.
STALE_REMIND_DAYS = 30
# Days the "still correct" link of a reminder stays valid.
STALE_LINK_DAYS = 30
# -- imports in the browser (batches.py) ----------------------------------------------
# The largest file accepted (a bigger upload answers 413), what an XLSX may really unpack
# to (counted by inflating it before it is opened, archives.py) and how many parts it may
# hold.
IMPORT_MAX_BYTES = 20 * 1024 * 1024
IMPORT_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
IMPORT_MAX_ZIP_ENTRIES = 2000
IMPORT_MAX_ROWS = 100_000
# Rows written per transaction when a batch is committed (other users write between
# two chunks), and the size from which staging, commit and rollback run as background
# tasks (smaller files are handled within the request).
IMPORT_CHUNK_ROWS = 200
IMPORT_BACKGROUND_ROWS = 1000

# -- exports (exports.py) ---------------------------------------------------------------
# Exporting needs a password typed within this many minutes (SECURITY.md: a fresh login);
# an export holds at most this many profiles.
RECENT_LOGIN_MINUTES = 30
EXPORT_MAX_ROWS = 100_000
# -- contact requests ---------------------------------------------------------
# Requests one official may send in 24 hours (beyond: 429).
CONTACT_REQUESTS_PER_DAY = 20
# Days the Department gives an unclaimed expert to answer a request it passes on; after
# them the curators' queue shows the request overdue and a curator may close it as
# "no answer".
DEPARTMENT_CONTACT_DAYS = 21
# Event invitations one official may send in 24 hours (each may e-mail an expert; beyond: 429).
EVENT_INVITATIONS_PER_DAY = 200
# Councils (councils/checks.py): how many councils an expert may have sat on in the last
# 12 months before another one is refused (rotation), and how far back an engagement with
# the requesting department or the organisation under review is a conflict of interest.
COUNCIL_CAP = 3
COUNCIL_COWORK_MONTHS = 24

# -- engagement attachments ------------------------------------------------------
# Bytes per file (beyond: 413). Types are checked by content: PDF, DOCX, XLSX, PNG, JPEG.
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# What a DOCX or XLSX may really unpack to (counted by inflating it, archives.py).
ATTACHMENT_MAX_UNPACKED_BYTES = 200 * 1024 * 1024

# -- ORCID records (orcid.py) --------------------------------------------------------------
# The largest record file accepted (real records are a few hundred kB). Fetching from
# ORCID's public API needs internet access: off unless EXPERTNET_ORCID_FETCH=1.
ORCID_MAX_BYTES = 5 * 1024 * 1024
ORCID_FETCH = False
ORCID_API_URL = "https://pub.orcid.org/v3.0"

# -- background jobs (jobs.py) ---------------------------------------------------------------
# Exports of more profiles than this, and invitations to more profiles than this, run as
# background jobs with a page to watch; smaller ones are done within the request. A
# job's result file is deleted this many days after the job finished.
EXPORT_BACKGROUND_ROWS = 2000
INVITE_BACKGROUND_COUNT = 25
JOB_RESULT_DAYS = 7

# -- the programme's indicators and yearly reports (programme/) -------------------------------
# The department that consolidates the departments' yearly reports into the city's report:
# its officials (accounts whose department is this name, compared without accents or
# case) and admins may start and consolidate it.
PROGRAMME_LEAD_DEPARTMENT = "Sở Khoa học và Công nghệ"
