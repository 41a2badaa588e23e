"""gunicorn settings for production serving (see the README, "Running in production").

    gunicorn -c gunicorn.conf.py 'expertnet:create_app()'

The app is loaded once in the master (``preload_app``): migrations, the taxonomy sync
and the start-up reconcile of the index run once, not once per worker, and the
workers share the loaded code. ``create_app`` closes every database connection,
index file and SQLite handle it opened before returning, so nothing is shared across
the fork; each worker then opens its own connection per request and refreshes its own
index searcher whenever another worker (or host) changed the index.

Every setting can be changed by an environment variable, listed beside it.
"""
import os

# EXPERTNET_BIND: where to listen. Behind a reverse proxy on the same host keep the
# loopback address; the proxy terminates HTTPS.
bind = os.environ.get("EXPERTNET_BIND", "127.0.0.1:8000")
# EXPERTNET_WORKERS: worker processes. Searches are CPU-bound: about one or two per core.
workers = int(os.environ.get("EXPERTNET_WORKERS", "4"))
# Plain synchronous workers: a reverse proxy buffers slow clients for them.
worker_class = "sync"
preload_app = True
# An import of a large spreadsheet is one request: give it time before the worker is
# killed (EXPERTNET_TIMEOUT, seconds).
timeout = int(os.environ.get("EXPERTNET_TIMEOUT", "120"))
graceful_timeout = 30
# Recycle workers now and then: caches of posting lists grow with the index they read.
max_requests = int(os.environ.get("EXPERTNET_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("EXPERTNET_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("EXPERTNET_LOG_LEVEL", "info")
# Forwarded headers are trusted by the app only through EXPERTNET_PROXY_FIX; gunicorn's
# own forwarded_allow_ips stays at its default (the loopback address).
