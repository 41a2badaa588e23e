"""Defaults. Every key can be overridden by an ``EXPERTNET_<KEY>`` environment variable
(``app.config.from_prefixed_env("EXPERTNET")``) or by ``create_app(test_config)``."""

# Empty means "a SQLite file in the instance folder" / "index/ in the instance folder";
# create_app fills them in because the instance path is only known there.
DATABASE_URL = ""
INDEX_DIR = ""

# Generated once and kept in the instance folder when not configured.
SECRET_KEY = None

BABEL_DEFAULT_LOCALE = "vi"
BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
LANGUAGES = ("vi", "en")

# Seconds a writer waits for the Whoosh lock before giving up (the database write is
# kept and the document is repaired by the next reconcile).
INDEX_LOCK_TIMEOUT = 10.0
# Reconcile the index with the database when the app starts (cheap when in step).
RECONCILE_ON_START = True

SEARCH_PER_PAGE = 20
SEARCH_MAX_PER_PAGE = 100
# Queries are cut to this many characters and words before parsing.
SEARCH_MAX_QUERY_CHARS = 500
SEARCH_MAX_QUERY_TERMS = 12

JSON_SORT_KEYS = False
SEND_FILE_MAX_AGE_DEFAULT = 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
