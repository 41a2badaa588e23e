"""Fixtures: an app on a temporary instance (a SQLite file and an index folder in a
temporary directory), or, when EXPERTNET_TEST_DATABASE_URL is set, on a fresh
PostgreSQL database of that server for each test."""
import contextlib
import copy
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import pg_pool
import pytest
from flask import Flask
from jinja2 import BytecodeCache
from werkzeug.routing import Map

from expertnet import create_app
from expertnet.accounts import users as accounts
from expertnet.core.access import ANONYMOUS, CURATOR, Viewer
from expertnet.core.db import connect_url, database
from expertnet.directory import writes

PG_URL = os.environ.get("EXPERTNET_TEST_DATABASE_URL", "")


def _pg_execute(sql, url=PG_URL):
    import psycopg2

    connection = psycopg2.connect(url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


# On PostgreSQL, the tests that never touch the database run in the SQLite run only:
# .ci/run runs both side by side, and the same test twice proves nothing more. A test
# touches the database when its fixtures include ``migrated_template`` (``app``,
# ``database_url``, ``module_app`` and every fixture built on them). Today that leaves out
# (about 200 tests): tests/test_analysis.py (the search analyzers), test_i18n.py (the
# catalogues), test_browser.py (its server is ``run.py`` on a SQLite instance of its own),
# test_taxonomy_demo.py (the demo data and the taxonomy files), test_hometowns.py,
# test_scanners.py, and the tests of pure functions and static checks in other files (ORCID
# check digits, name and organisation comparison, date arithmetic, duplicate scoring, the
# segment builder on a temporary folder, templates without inline script, OpenAPI
# parameters). ``pytest -rs`` lists them with this reason. A test that reaches the server
# some other way (``PG_URL`` itself) and needs no fixture for it is marked
# ``every_database``.
DATABASE_INDEPENDENT = pytest.mark.skip(
    reason="never touches the database: runs in the SQLite run only (tests/conftest.py)")
# The search engine's tests (``engine_only``: the vectorised engine, the bulk postings,
# the segment builder and merges, the snippets) load profiles through the database, but
# what they compare is the index and the engine's answers against Whoosh's, which do not
# depend on the database the profiles came from: they run once too.
ENGINE_ONLY = pytest.mark.skip(
    reason="tests the search engine, the database only holds its input: runs in the SQLite run "
           "only (tests/conftest.py)")


def pytest_collection_modifyitems(config, items):
    if not PG_URL:
        return
    for item in items:
        if item.get_closest_marker("engine_only") is not None:
            item.add_marker(ENGINE_ONLY)
        elif "migrated_template" not in getattr(item, "fixturenames", ()) \
                and item.get_closest_marker("every_database") is None:
            item.add_marker(DATABASE_INDEPENDENT)


@dataclass
class Template:
    """A database in a known state and, in ``folder``, what is in step with it: the
    search indexes (``index/``) and the instance folder (``instance/``: the compiled
    catalogues, stored files, job results). On SQLite the database is the file
    ``sqlite``; on PostgreSQL ``pool`` hands out databases in its state (pg_pool)."""
    folder: Path
    sqlite: Path | None = None
    pool: pg_pool.Pool | None = None


@contextlib.contextmanager
def _kept(folder, database_name_or_path):
    """``folder``'s state, its app closed, as a :class:`Template` (on PostgreSQL, the
    database ``database_name_or_path``, dropped at the end)."""
    if not database.is_closed():
        database.close()
    if not PG_URL:
        yield Template(folder, sqlite=database_name_or_path)
        return
    pool = pg_pool.Pool(PG_URL, database_name_or_path)
    try:
        yield Template(folder, pool=pool)
    finally:
        pool.close()
        _pg_execute(f"DROP DATABASE IF EXISTS {database_name_or_path} WITH (FORCE)")


def _new_database(folder, template=None):
    """A database of its own for a state to be kept (a copy of ``template``'s, or an
    empty one): ``(url, name or path)``."""
    if PG_URL:
        name = f"expertnet_template_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        _pg_execute(f"CREATE DATABASE {name}"
                    + (f" TEMPLATE {template.pool.template}" if template else ""))
        _pg_execute(pg_pool.without_commit_flush(name))
        return pg_pool.database_url(PG_URL, name), name
    path = folder / "template.sqlite3"
    if template:
        shutil.copyfile(template.sqlite, path)
    return f"sqlite:///{path}", path


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """A database with every migration applied and the taxonomy synced, built once per
    test session: each test starts from a copy of it (a file copy on SQLite; on
    PostgreSQL a database of ``pg_pool``, reset to it after each test) instead of
    migrating an empty database, which cost about a second per test on PostgreSQL."""
    folder = tmp_path_factory.mktemp("template")
    url, name = _new_database(folder)
    make_app(folder, url).extensions["expertnet.search"].close()
    with _kept(folder, name) as template:
        yield template


@dataclass
class Snapshot:
    """A state that is costly to build, built once per module (:func:`snapshot_of`):
    each test that starts from it gets a copy of its database, indexes and instance
    folder (``template``) and a copy of what the builder returned (:meth:`value`)."""
    template: Template
    built: object

    def value(self):
        # Model instances and dicts a test may change: its own copy.
        return copy.deepcopy(self.built)


@contextlib.contextmanager
def snapshot_of(folder, template, build):
    """Run ``build(app)`` once, on a copy of ``template`` in ``folder``, and keep the
    state it leaves as a :class:`Snapshot`. A module whose tests all start from the
    same costly state (seeded records of every kind, a demo directory) builds it here
    instead of once per test; the tests ask for it through the ``snapshot`` fixture."""
    _copy_folders(template, folder)
    url, name = _new_database(folder, template)
    app = make_app(folder, url, RECONCILE_ON_START=False)
    with app.app_context():
        built = build(app)
    app.extensions["expertnet.search"].close()
    with _kept(folder, name) as kept:
        yield Snapshot(kept, built)


def module_snapshot(name, build):
    """The fixtures of a module whose tests asking for the fixture ``name`` start from the
    state ``build(app)`` leaves, built once for the module (:func:`snapshot_of`): the
    module-scoped ``<name>_state`` (the :class:`Snapshot`) and the ``snapshot`` fixture
    that hands it to ``database_url`` for those tests only (the module's other tests start
    from the migrated template). In the module: ``world_state, snapshot =
    module_snapshot("world", _build_world)``, and a ``world`` fixture that reads
    ``world_state.value()``."""
    state_name = f"{name}_state"

    @pytest.fixture(scope="module", name=state_name)
    def state(tmp_path_factory, migrated_template):
        with snapshot_of(tmp_path_factory.mktemp(name), migrated_template, build) as built:
            yield built

    @pytest.fixture(name="snapshot")
    def snapshot(request):
        return request.getfixturevalue(state_name) if name in request.fixturenames else None

    return state, snapshot


def _copy_folders(template, folder):
    for name in ("index", "instance"):
        shutil.copytree(template.folder / name, folder / name, symlinks=True)


@contextlib.contextmanager
def _database_copy(folder, template):
    """A database of its own in ``template``'s state: a SQLite file in ``folder`` or,
    when EXPERTNET_TEST_DATABASE_URL is set, a PostgreSQL database of that server; and
    beside it, in ``folder``, copies of the template's search indexes and instance
    folder. An app then starts on indexes already in step with its database instead of
    building the profiles' index and the three records' indexes anew (about half of a
    test app's start), and on catalogues already compiled."""
    _copy_folders(template, folder)
    if not PG_URL:
        path = folder / "test.sqlite3"
        shutil.copyfile(template.sqlite, path)
        yield f"sqlite:///{path}"
        return
    name = template.pool.take()
    try:
        yield pg_pool.database_url(PG_URL, name)
    finally:
        if not database.is_closed():
            database.close()
        template.pool.give_back(name)


@pytest.fixture
def snapshot():
    """The state a test starts from when not the migrated template's: none here; a
    module overrides it with a :class:`Snapshot` for the tests that need one."""
    return None


@pytest.fixture
def database_url(tmp_path, migrated_template, snapshot):
    template = migrated_template if snapshot is None else snapshot.template
    with _database_copy(tmp_path, template) as url:
        yield url


@pytest.fixture(scope="module")
def module_app(tmp_path_factory, migrated_template):
    """One app for a whole test module, for modules whose tests only read a data set
    that is costly to build (seed it in a module-scoped fixture; enter it with
    ``context_of``). Tests that write use ``app``."""
    folder = tmp_path_factory.mktemp("module")
    with _database_copy(folder, migrated_template) as url:
        shared = make_app(folder, url)
        yield shared
        shared.extensions["expertnet.search"].close()
        if not database.is_closed():
            database.close()


@contextlib.contextmanager
def context_of(shared):
    """``shared``'s application context, its database bound again: the database proxy
    holds the database of the app created last, which may be another test's."""
    database.initialize(connect_url(shared.config["DATABASE_URL"]))
    with shared.app_context():
        yield shared
    if not database.is_closed():
        database.close()


class _SharedBytecode(BytecodeCache):
    """Compiled templates kept for the whole test session and shared by every test app.

    Each test makes a new app, hence a new Jinja environment with an empty template
    cache: without this, every test compiled again each template it rendered (72–114 ms
    for a page's first render, 5 ms for the second). Jinja checks each entry against the
    checksum of the template's source, so an edited template is compiled again."""

    def __init__(self):
        self.compiled = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


_BYTECODE = _SharedBytecode()


def _share_url_builders():
    """Each test app compiles its ~160 URL rules again, and 90 % of ``create_app``'s time
    (60 ms of 67) went to Werkzeug generating and compiling the Python function that
    builds each rule's URLs — the same functions for every app. They are kept here per
    rule for the session: a builder depends only on the rule's text, its parsed parts,
    the names of its defaults and ``append_unknown`` (the converters it calls are looked
    up on the rule it is bound to, at each call). A rule with a default for one of its
    own variables has the default's converted value compiled in: built as usual.
    Werkzeug's private ``Rule._compile_builder``: if it changes, this fails loudly here."""
    from werkzeug.routing import Rule

    if getattr(Rule._compile_builder, "shared", False):
        return  # this file imported a second time (as ``tests.conftest``): patched already
    compile_builder = Rule._compile_builder
    built = {}

    def shared_builder(rule, append_unknown=True):
        defaults = rule.defaults or {}
        if any(dynamic and part in defaults for dynamic, part in rule._trace):
            return compile_builder(rule, append_unknown)
        key = (rule.rule, tuple(rule._trace), tuple(defaults), append_unknown)
        if key not in built:
            built[key] = compile_builder(rule, append_unknown)
        return built[key]

    shared_builder.shared = True
    Rule._compile_builder = shared_builder


def _share_url_rule_parsing():
    """The other half of a new app's URL rules: Werkzeug parses each rule's text into
    its matching parts with a regular expression per part (a fifth of a test app's
    start). The parts depend only on the text and on the converters it names, so they are
    parsed once per session; each new rule still gets converters of its own map and the
    same trace and arguments as a parse would give it. Werkzeug's private
    ``Rule._parse_rule``: if it changes, the URL tests fail loudly."""
    from werkzeug.routing import Rule

    if getattr(Rule._parse_rule, "shared", False):
        return  # this file imported a second time (as ``tests.conftest``): patched already
    parse_rule = Rule._parse_rule
    parsed = {}

    def shared_parse(rule, text):
        if text not in parsed:
            converters = []

            def recording(variable, converter, args, kwargs):
                converters.append((variable, converter, args, kwargs))
                return Rule.get_converter(rule, variable, converter, args, kwargs)

            start = len(rule._trace)
            rule.get_converter = recording
            try:
                parts = list(parse_rule(rule, text))
            finally:
                del rule.get_converter
            parsed[text] = (parts, rule._trace[start:], converters)
            return parts
        parts, trace, converters = parsed[text]
        rule._trace.extend(trace)
        for variable, converter, args, kwargs in converters:
            rule._converters[variable] = rule.get_converter(variable, converter, args, kwargs)
            rule.arguments.add(variable)
        return parts

    shared_parse.shared = True
    Rule._parse_rule = shared_parse


_share_url_builders()
_share_url_rule_parsing()


class _SharedUrlMap(Map):
    """The URL map of every test app (:func:`make_app`), compiled by the first one.
    Even with the parts and builders shared, adding ~280 rules to a new map (binding,
    compiling, the matcher's state machine) was half of a test app's start, and the
    rules are the same for every app: ``create_app`` registers them whatever the
    configuration. Frozen once shared: a test that adds rules to its app gets a map of
    its own (mark it ``own_url_map``)."""

    frozen = False

    def add(self, rule_factory):
        if self.frozen:
            raise RuntimeError("test apps share one URL map (tests/conftest.py): "
                               "mark a test that adds URL rules with @pytest.mark.own_url_map")
        super().add(rule_factory)


class _RulesOnly(Map):
    """A test app's map while ``create_app`` registers its rules: each rule is only
    written down, to be checked against the shared map's, which the app then gets."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.added = []

    def add(self, rule_factory):
        self.added += [_rule_line(rule) for rule in rule_factory.get_rules(self)]


def _rule_line(rule):
    return rule.rule, rule.endpoint, tuple(sorted(rule.methods or ()))


_SHARED_URL_MAP = {}


def _new_app(settings, own_url_map):
    """``create_app(settings)``; unless ``own_url_map``, with the shared URL map."""
    shared = None if own_url_map else _SHARED_URL_MAP.get("map")
    default = Flask.url_map_class
    Flask.url_map_class = Map if own_url_map else (_RulesOnly if shared else _SharedUrlMap)
    try:
        app = create_app(settings)
    finally:
        Flask.url_map_class = default
    if shared is not None:
        if app.url_map.added != _SHARED_URL_MAP["lines"]:
            raise RuntimeError("this app's URL rules differ from the shared map's (tests/conftest.py)")
        app.url_map = shared
    elif not own_url_map:
        app.url_map.frozen = True
        _SHARED_URL_MAP.update(map=app.url_map, lines=[_rule_line(rule) for rule in app.url_map._rules])
    return app


def make_app(tmp_path, database_url, own_url_map=False, **config):
    settings = {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": database_url,
        "INDEX_DIR": str(tmp_path / "index"),
        "SECRET_KEY": "test",
        "INDEX_LOCK_TIMEOUT": 2.0,
        "INDEX_BACKGROUND_MERGE": False,
        # CSRF stays on in tests: forms are posted with the token they carry.
        "WTF_CSRF_ENABLED": True,
        # Cheap argon2 parameters: the tests hash many passwords.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "ARGON2_PARALLELISM": 1,
    }
    settings.update(config)
    app = _new_app(settings, own_url_map)
    # Test apps only: a production worker compiles each template once and keeps it.
    app.jinja_env.bytecode_cache = _BYTECODE
    return app


@pytest.fixture
def app(request, tmp_path, database_url):
    # The database and the indexes are copies of the template's, in step with each
    # other: nothing for the start-up to reconcile (tests of the start-up make their
    # own apps).
    own_url_map = request.node.get_closest_marker("own_url_map") is not None
    app = make_app(tmp_path, database_url, own_url_map=own_url_map, RECONCILE_ON_START=False)
    with app.app_context():
        yield app
    app.extensions["expertnet.search"].close()
    if not database.is_closed():
        database.close()


@pytest.fixture
def app_factory(tmp_path, database_url):
    """Another app on the same instance, database and index (like a second process)."""
    made = []

    def factory(**config):
        made.append(make_app(tmp_path, database_url, **config))
        return made[-1]

    yield factory
    for other in made:
        other.extensions["expertnet.search"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def store(app):
    return app.extensions["expertnet.search"]


def profile(**values):
    """Raw values for a valid profile; keyword arguments override."""
    base = {"kind": "domestic", "full_name": "Nguyễn Văn An", "visibility": "public"}
    base.update(values)
    return base


def add_profile(**values):
    """Create a profile through the service layer; returns the Expert."""
    return writes.save_profile(profile(**values)).expert


@pytest.fixture
def add(app):
    return add_profile


PASSWORD = "correct horse battery staple"
_CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"'
                         r'|name="csrf_token" value="([^"]+)"')


def csrf_token(client, path):
    """The CSRF token of the form on ``path``, as a browser would send it back."""
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    match = _CSRF_INPUT.search(page.get_data(as_text=True))
    assert match, f"no CSRF token in the form of {path}"
    return match.group(1) or match.group(2)


def post_form(client, path, data, form_path=None, **kwargs):
    """POST ``data`` to ``path`` with the CSRF token read from ``form_path`` (default
    ``path``)."""
    token = csrf_token(client, form_path or path)
    return client.post(path, data={**data, "csrf_token": token}, **kwargs)


def log_in(client, email, password=PASSWORD, remember=False):
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return post_form(client, "/auth/login", data)


def new_user(role="expert", email=None, password=PASSWORD, expert=None):
    """Create an account through the account service: ``new_user("curator")``."""
    email = email or f"{role}-{uuid.uuid4().hex[:8]}@example.org"
    return accounts.create_user(email, role, password=password,
                                expert_id=expert.id if expert is not None else None)


@pytest.fixture
def make_user(app):
    return new_user


@pytest.fixture
def login(client):
    """``login(user)`` logs the test client in (asserting that it worked)."""
    def login(user, password=PASSWORD, remember=False):
        response = log_in(client, user.email, password, remember=remember)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response
    return login


SITE = "https://experts.example"


class Refused(RuntimeError):
    """What a receiver connected by ``failing`` raises."""


@pytest.fixture
def failing(app):
    """Connect a receiver that raises to a signal, for the rest of the test (the
    signals' tests: a failing receiver rolls the whole change back)."""
    connected = []

    def fail(*_args, **_kwargs):
        raise Refused("a receiver refused")

    def connect(signal):
        signal.connect(fail)
        connected.append(signal)

    yield connect
    for signal in connected:
        signal.disconnect(fail)


@pytest.fixture
def mailbox(app):
    """E-mail on (kept in memory, sent at once) and the site's address configured;
    the list of messages sent."""
    from expertnet.core import outbox as mail
    app.config.update(MAIL_BACKEND="memory", BASE_URL=SITE)
    return mail.outbox()


def links_in(message, base=SITE):
    """The paths of the links to the site in a message's body, in order."""
    return re.findall(re.escape(base) + r"(/\S+)", message.get_content())


def client_as(app, user, password=PASSWORD):
    """A fresh client logged in as ``user``: several people acting in one test."""
    client = app.test_client()
    response = log_in(client, user.email, password)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


@pytest.fixture
def official(make_user):
    """An official of the Department of Science and Technology (needs are shared within
    a department)."""
    user = make_user("official")
    user.department = "Sở Khoa học và Công nghệ"
    user.save()
    return user


__all__ = ["ANONYMOUS", "CURATOR", "PASSWORD", "SITE", "Viewer", "client_as", "csrf_token", "links_in",
           "log_in", "make_app", "post_form", "profile"]
