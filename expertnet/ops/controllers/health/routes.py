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
from expertnet.organisations import indexing as organisation_indexing
from expertnet.technology import indexing as technology_indexing


def _records_health():
    """The records indexes beside the profiles' one: in step when they hold as many
    documents as the database holds records and nothing waits (a difference explained
    by records waiting for their index update is not unhealthy)."""
    report = {}
    for keeper in (organisation_indexing.organisations, *technology_indexing.KEEPERS.values()):
        try:
            report[keeper.kind] = {"readable": True, **keeper.health()}
        except Exception as exc:  # noqa: BLE001 - unreadable index or table: report, do not fail
            current_app.logger.warning("health: %s index unreadable: %s", keeper.kind, exc)
            report[keeper.kind] = {"readable": False, "in_step": False, "stale": 0}
    return report


@bp.get("/healthz")
@limiter.exempt
@connection_optional
def healthz():
    store = search.get_store()
    changes = (lambda: catchup.lag(store)) if catchup.EXTENSION in current_app.extensions else None
    report = indexing.health(store, database, changes=changes,
                             max_lag_seconds=current_app.config["HEALTH_MAX_LAG_SECONDS"])
    if report["status"] == "ok":
        report["records"] = _records_health()
        if not all(kind.get("readable") and (kind["in_step"] or kind["stale"])
                   for kind in report["records"].values()):
            report["status"] = "unavailable"
    response = jsonify(report)
    response.status_code = 200 if report["status"] == "ok" else 503
    return response
