"""The health check: the database answers, the index is readable and in step with it.

200 when healthy, 503 otherwise, with the counts behind the verdict so that an operator
sees why. It opens its own database connection (a database that is down must answer
503, not fail before the view runs), is never rate-limited and sets no cookie.
"""
from flask import current_app, jsonify

from expertnet import search
from expertnet.core.db import connection_optional, database
from expertnet.core.ratelimit import limiter
from expertnet.directory import catchup, indexing
from expertnet.ops.controllers.health import bp


@bp.get("/healthz")
@limiter.exempt
@connection_optional
def healthz():
    store = search.get_store()
    changes = (lambda: catchup.lag(store)) if catchup.EXTENSION in current_app.extensions else None
    report = indexing.health(store, database, changes=changes,
                             max_lag_seconds=current_app.config["HEALTH_MAX_LAG_SECONDS"])
    response = jsonify(report)
    response.status_code = 200 if report["status"] == "ok" else 503
    return response
