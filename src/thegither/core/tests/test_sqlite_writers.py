"""SQLite writers in one process queue for the write lock instead of sleeping and retrying."""

import threading

import pytest
from django.db import connections
from django.db.utils import ConnectionHandler

from thegither.core.sqlite import base


@pytest.fixture
def file_database(tmp_path, settings, django_db_blocker):
    """A SQLite file with the project's options, on connections of its own (not the test DB)."""
    django_db_blocker.unblock()
    options = settings.DATABASES["default"].get("OPTIONS", {})
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "thegither.core.sqlite",
                "NAME": tmp_path / "writers.sqlite3",
                "OPTIONS": {
                    **options,
                    "transaction_mode": "IMMEDIATE",
                    "init_command": "PRAGMA journal_mode=WAL;PRAGMA busy_timeout=20000;",
                },
            }
        }
    )
    connection = handler["default"]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE tally (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        cursor.execute("INSERT INTO tally (id, n) VALUES (1, 0)")
    connection.close()
    yield handler
    handler.close_all()
    django_db_blocker.restore()


@pytest.mark.django_db
def test_the_project_uses_the_queued_sqlite_backend(settings):
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.skip("This run is on PostgreSQL.")
    assert connections["default"].__class__ is base.DatabaseWrapper


def test_writers_in_many_threads_each_get_the_lock_in_turn(file_database):
    inside = []
    most_at_once = []
    errors = []

    def write():
        connection = file_database.create_connection("default")
        try:
            for _i in range(5):
                with _atomic(connection):
                    assert base._writer.locked()
                    inside.append(1)
                    most_at_once.append(len(inside))
                    with connection.cursor() as cursor:
                        cursor.execute("UPDATE tally SET n = n + 1 WHERE id = 1")
                    inside.pop()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert max(most_at_once) == 1  # one writer at a time, queued by the lock
    reader = file_database.create_connection("default")
    with reader.cursor() as cursor:
        cursor.execute("SELECT n FROM tally WHERE id = 1")
        assert cursor.fetchone()[0] == 30
    reader.close()
    assert base._writer.acquire(blocking=False)  # nobody left holding it
    base._writer.release()


class _atomic:
    """A write transaction on a connection of this test's own, as Django's atomic makes one."""

    def __init__(self, connection):
        self.connection = connection

    def __enter__(self):
        self.connection.ensure_connection()
        self.connection._start_transaction_under_autocommit()

    def __exit__(self, kind, error, traceback):
        if kind is None:
            self.connection.commit()
        else:
            self.connection.rollback()


def test_a_write_holds_the_lock_until_it_commits(file_database):
    connection = file_database.create_connection("default")
    with _atomic(connection):
        assert base._writer.locked()
    assert not base._writer.locked()
    connection.close()


def test_a_failed_write_gives_the_lock_back(file_database):
    connection = file_database.create_connection("default")
    held = []

    def refuse():
        with _atomic(connection):
            held.append(base._writer.locked())
            raise RuntimeError("the service refused")

    with pytest.raises(RuntimeError):
        refuse()
    assert held == [True]
    assert base._writer.acquire(blocking=False)
    base._writer.release()
    connection.close()
