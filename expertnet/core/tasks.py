"""Background work (DESIGN.md "Background work"): Huey tasks.

Storage: Huey's SQLite storage in the instance folder (embedded, nothing to start), or
Redis when ``EXPERTNET_REDIS_URL`` is set (several hosts). ``flask --app expertnet worker``
runs the consumer. With ``TASKS_IMMEDIATE`` (on whenever ``TESTING`` is) a task runs
inside the call that enqueues it, so tests see its effect at once.

Tasks are declared with :func:`task` rather than ``huey.task``: the Huey object must
exist when modules are imported, before any app is made, and each task needs an app
context and a database connection of its own when a consumer thread runs it.
"""
import functools
from pathlib import Path

from flask import current_app, g, has_app_context
from huey import Huey, RedisHuey, SqliteHuey

from expertnet.core.db import database

# Immediate (in-memory) until init_app says where the queue lives.
huey = Huey("expertnet", immediate=True)
_app = None


def init_app(app):
    global _app
    _app = app
    immediate = app.config.get("TASKS_IMMEDIATE")
    if immediate is None:
        immediate = bool(app.config.get("TESTING"))
    if immediate:
        _configure(Huey, {}, immediate=True)
    elif app.config.get("REDIS_URL"):
        _configure(RedisHuey, {"url": app.config["REDIS_URL"]}, immediate=False)
    else:
        path = Path(app.instance_path) / "tasks.sqlite3"
        _configure(SqliteHuey, {"filename": str(path)}, immediate=False)
    app.extensions["expertnet.tasks"] = huey


def _configure(kind, storage_kwargs, immediate):
    # Huey builds its storage in __init__; re-pointing the one shared object keeps every
    # task declared at import time attached to the queue chosen here.
    huey.storage_class = kind.storage_class
    huey.storage_kwargs = storage_kwargs
    huey._immediate = immediate
    huey.storage = huey.create_storage()


def task(identity, **options):
    """``@task("expertnet.module.name")``: a Huey task run inside the app's context with a
    database connection. ``identity`` is what the queue stores to find the task again: it
    stays the same when the code moves, so that a task queued before a deploy still runs."""
    return _declare(huey.task, identity, options)


def periodic(identity, validate_datetime, **options):
    """``@periodic("expertnet.module.name", crontab(...))``: a task the consumer (``flask
    worker``) runs on its schedule, inside the app's context like :func:`task`."""
    return _declare(functools.partial(huey.periodic_task, validate_datetime), identity, options)


def _declare(declare, identity, options):
    module, _, name = identity.rpartition(".")

    def decorate(function):
        @functools.wraps(function)
        def in_app(*args, **kwargs):
            # Run immediately, a task belongs to the app that enqueued it; in a consumer
            # thread, to the app the worker command made.
            app = current_app._get_current_object() if has_app_context() else _app
            if app is None:
                raise RuntimeError("expertnet.core.tasks.init_app was not called")
            with app.app_context():
                # In immediate mode the caller's request may hold the connection (and a
                # transaction): use it and leave it open, this context's teardown too.
                opened = database.is_closed()
                if opened:
                    database.connect()
                else:
                    g.expertnet_borrowed_connection = True
                try:
                    return function(*args, **kwargs)
                finally:
                    if opened and not database.is_closed():
                        database.close()
        # Huey names a task "<function's module>.<name>".
        in_app.__module__ = module
        return declare(name=name, **options)(in_app)
    return decorate


def run_worker(workers=2):
    """Run the consumer in this process until interrupted (``flask worker``)."""
    consumer = huey.create_consumer(workers=workers, worker_type="thread")
    consumer.run()
