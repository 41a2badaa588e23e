"""Tasks run at once (immediate mode: tests, and a deployment without a worker) inside
the caller's work."""
from expertnet.core import outbox
from expertnet.core.db import database


def test_a_task_run_at_once_leaves_the_callers_connection_open(app):
    connection = database.connection()
    outbox.deliver(0)  # a task with nothing to do (no such message), run at once
    # Its own application context ended without closing the caller's connection: the
    # next query of the caller runs on it, not on a new one.
    assert not database.is_closed() and database.connection() is connection


def test_a_task_run_at_once_inside_a_transaction_leaves_it_open(app):
    with database.atomic():
        outbox.deliver(0)
        assert database.in_transaction()
    assert not database.is_closed()
