"""expertnet: the directory of experts and of the Hai Phong diaspora."""
import logging
import os
import secrets
from pathlib import Path

from flask import Flask
from werkzeug.routing import IntegerConverter

log = logging.getLogger(__name__)


class BoundedInt(IntegerConverter):
    def __init__(self, map, fixed_digits=0, min=None, max=2**63 - 1, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def create_app(test_config=None):
    """The application. ``test_config`` overrides the configuration; its
    ``INSTANCE_PATH`` (or the ``EXPERTNET_INSTANCE_PATH`` variable) moves the
    instance folder, which holds the SQLite file, the index and the secret key."""
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("EXPERTNET_INSTANCE_PATH")
    app = Flask(__name__, instance_relative_config=True,
                instance_path=os.path.abspath(instance_path) if instance_path else None)
    # Ids in URLs fit the databases' 64-bit integers: a longer number is a 404, not a
    # 500 from the database driver.
    app.url_map.converters["int"] = BoundedInt
    app.config.from_object("expertnet.config")
    app.config.from_prefixed_env("EXPERTNET")
    if test_config:
        app.config.from_mapping(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _fill_instance_defaults(app)
    # Answers keep the documented key order (total, page, per_page, results, facets).
    app.json.sort_keys = False

    from expertnet import search
    from expertnet.core import db, i18n, observability, tasks

    i18n.init_app(app)
    db.init_app(app)
    # First after the database: its before_request runs before any that may refuse.
    observability.init_app(app, db.database)
    search.init_app(app)
    tasks.init_app(app)

    from expertnet.core import outbox as mail
    mail.init_app(app)

    from expertnet.accounts.controllers import auth
    from expertnet.web import responses as web
    auth.init_app(app)
    web.init_app(app)

    from expertnet.accounts.controllers.account import bp as account_bp
    from expertnet.accounts.controllers.admin import bp as admin_bp
    from expertnet.api import bp as api_bp
    from expertnet.cooperation.controllers.engagements import bp as engagements_bp
    from expertnet.cooperation.controllers.officials_abroad import bp as officials_abroad_bp
    from expertnet.cooperation.controllers.programme import bp as programme_bp
    from expertnet.cooperation.controllers.trainings import bp as trainings_bp
    from expertnet.councils.controllers import bp as councils_bp
    from expertnet.curation.controllers.curate import bp as curate_bp
    from expertnet.curation.controllers.downloads import bp as downloads_bp
    from expertnet.directory.controllers.main import bp as main_bp
    from expertnet.directory.controllers.profiles import bp as profiles_bp
    from expertnet.ops.controllers.health import bp as health_bp
    from expertnet.organisations.controllers.pages import bp as organisations_bp
    from expertnet.outreach.controllers.alerts import bp as alerts_bp
    from expertnet.outreach.controllers.contacts import bp as contacts_bp
    from expertnet.outreach.controllers.needs import bp as needs_bp
    from expertnet.programme.controllers.budget import bp as budget_bp
    from expertnet.programme.controllers.indicators import bp as indicators_bp
    from expertnet.programme.controllers.statistics import bp as statistics_bp
    from expertnet.technology.controllers import bp as technology_bp
    # The pages that higher modules keep on a lower module's blueprint (the profile's, the
    # engagements') register on it when imported, so before it is registered; in the
    # order they have always had in the URL map.
    # isort: off
    from expertnet.accounts.controllers import review_pages  # noqa: F401
    from expertnet.accounts.controllers import delegate_pages  # noqa: F401
    from expertnet.curation.controllers import orcid_pages  # noqa: F401
    from expertnet.accounts.controllers import registration_pages  # noqa: F401
    from expertnet.accounts.controllers import profile_pages  # noqa: F401
    from expertnet.accounts.controllers import stale_pages  # noqa: F401
    from expertnet.programme.controllers import report_pages  # noqa: F401
    # isort: on
    app.register_blueprint(main_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(auth.bp, url_prefix="/auth")
    app.register_blueprint(account_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(profiles_bp)
    app.register_blueprint(curate_bp)
    app.register_blueprint(downloads_bp)
    app.register_blueprint(needs_bp)
    app.register_blueprint(contacts_bp)
    app.register_blueprint(engagements_bp)
    app.register_blueprint(programme_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(statistics_bp)
    app.register_blueprint(indicators_bp)
    app.register_blueprint(alerts_bp)
    app.register_blueprint(trainings_bp)
    app.register_blueprint(officials_abroad_bp)
    app.register_blueprint(councils_bp)
    app.register_blueprint(budget_bp)
    app.register_blueprint(organisations_bp)
    app.register_blueprint(technology_bp)
    # Higher modules' answers to the organisations' signals (links, page sections).
    from expertnet import cli
    from expertnet.cooperation import organisation_links as cooperation_links  # noqa: F401
    from expertnet.directory import catchup
    from expertnet.outreach import organisation_links as outreach_links  # noqa: F401
    from expertnet.technology import organisation_pages as technology_sections  # noqa: F401
    catchup.init_app(app)
    cli.init_app(app)

    # What each module shows and offers on a lower module's pages (a profile's, a
    # need's): receivers of the page signals, connected on import; the notifications'
    # inbox writes the notices lower modules send (signals.tell); accounts answer which
    # profiles are claimed and store the consents an import reads.
    from expertnet.accounts import consent as _consent  # noqa: F401
    from expertnet.accounts import users as _users  # noqa: F401
    from expertnet.accounts.controllers import page_answers as _accounts  # noqa: F401
    from expertnet.cooperation.controllers import page_answers as _cooperation  # noqa: F401
    from expertnet.curation.controllers import page_answers as _curation  # noqa: F401
    from expertnet.notifications import inbox as _inbox  # noqa: F401
    from expertnet.outreach.controllers import page_answers as _outreach  # noqa: F401

    if app.config.get("SKIP_STARTUP"):
        return app
    _start_up(app)
    return app


def _fill_instance_defaults(app):
    instance = Path(app.instance_path)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'expertnet.sqlite3'}"
    if not app.config.get("INDEX_DIR"):
        app.config["INDEX_DIR"] = str(instance / "index")
    if not app.config.get("SECRET_KEY"):
        key_file = instance / "secret_key"
        if not key_file.exists():
            # O_EXCL: two workers starting together must not write two different keys.
            try:
                descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(descriptor, "w") as handle:
                    handle.write(secrets.token_hex(32))
            except FileExistsError:
                pass
        app.config["SECRET_KEY"] = key_file.read_text().strip()


def _start_up(app):
    """Migrate the schema, sync the taxonomy and bring the index in step with the
    database. The connection is closed again so that no connection is inherited by
    worker processes forked after this."""
    from expertnet.core import migrations
    from expertnet.core.db import database
    from expertnet.directory import indexing
    from expertnet.taxonomy import store as catalog

    migrations.upgrade(database)
    with app.app_context(), database.connection_context():
        taxonomy_changed = catalog.sync()
        store = app.extensions["expertnet.search"]
        if taxonomy_changed and store.status() == "ok" and indexing.count_profiles():
            indexing.rebuild(store)
        elif app.config["RECONCILE_ON_START"]:
            summary = indexing.reconcile(store)
            if summary["indexed"] or summary["removed"]:
                log.info("index reconciled: %s", summary)
        else:
            store.ensure()
        from expertnet.organisations import indexing as organisation_indexing
        from expertnet.technology import indexing as technology_indexing
        keepers = (organisation_indexing.organisations, *technology_indexing.KEEPERS.values())
        for keeper in keepers if app.config["RECONCILE_ON_START"] else ():
            try:
                keeper.reconcile()
            except Exception:  # noqa: BLE001 - the records index is derived; reindex repairs it
                log.exception("the %s index could not be reconciled", keeper.kind)
            finally:
                keeper.get_index(app).close()
    # Nothing opened here may be inherited by forked workers: a shared database
    # connection or shared index file offsets would corrupt each other's reads.
    store.close()
    if not database.is_closed():
        database.close()
