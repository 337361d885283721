"""live's writer batches: a savepoint per job, one commit per batch, replies after it."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from django.db import transaction

from thegither.accounts.models import Role
from thegither.accounts.tests import factories
from thegither.live import services, threads
from thegither.live.models import LiveSession

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def batches():
    pool = threads.Batches("test-writers", most=8)
    yield pool
    pool.close()


@pytest.fixture
def session():
    organisation = factories.organisation_make()
    staff = factories.member_make(organisation, Role.STAFF)
    return services.session_create(organisation=organisation, title="Batches", by=staff)


def _rename(session_id: int, title: str) -> str:
    LiveSession.objects.filter(pk=session_id).update(title=title)
    return title


def _rename_then_fail(session_id: int, title: str) -> None:
    LiveSession.objects.filter(pk=session_id).update(title=title)
    raise ValueError("this job goes wrong after writing")


def test_a_failing_job_is_rolled_back_alone_and_its_caller_gets_the_error(batches, session):
    async def together():
        return await asyncio.gather(
            batches.run(_rename, session.pk, "first"),
            batches.run(_rename_then_fail, session.pk, "never"),
            batches.run(_rename, session.pk, "last"),
            return_exceptions=True,
        )

    first, failed, last = async_to_sync(together)()
    assert (first, last) == ("first", "last")
    assert isinstance(failed, ValueError)
    session.refresh_from_db()
    assert session.title == "last"


def test_a_caller_hears_back_only_after_the_commit(batches, session):
    committed = []

    def job():
        LiveSession.objects.filter(pk=session.pk).update(title="saved")
        transaction.on_commit(lambda: committed.append("yes"))
        return "done"

    assert async_to_sync(batches.run)(job) == "done"
    assert committed == ["yes"]  # on_commit ran before the reply


def test_when_the_commit_fails_every_job_in_the_batch_hears_it_and_nothing_is_saved(
    batches, session, monkeypatch
):
    real_atomic = transaction.atomic
    calls = []

    class FailingCommit:
        """The batch's outer transaction: its commit fails (a full disk, say)."""

        def __init__(self):
            self.inner = real_atomic()

        def __enter__(self):
            return self.inner.__enter__()

        def __exit__(self, kind, value, traceback):
            if kind is None:
                self.inner.__exit__(RuntimeError, RuntimeError("disk full"), None)
                raise OSError("disk full")
            return self.inner.__exit__(kind, value, traceback)

    def atomic(*args, **kwargs):
        calls.append(1)
        return FailingCommit() if len(calls) == 1 else real_atomic(*args, **kwargs)

    monkeypatch.setattr(threads.transaction, "atomic", atomic)
    with pytest.raises(OSError, match="disk full"):
        async_to_sync(batches.run)(_rename, session.pk, "lost")
    session.refresh_from_db()
    assert session.title == "Batches"


def test_queued_jobs_share_a_batch(batches, session):
    seen = []

    def job(number):
        seen.append((number, transaction.get_connection().in_atomic_block))
        return number

    async def many():
        return await asyncio.gather(*(batches.run(job, n) for n in range(20)))

    assert async_to_sync(many)() == list(range(20))
    assert all(inside for _number, inside in seen)  # every job ran inside a batch's transaction


def test_sqlite_writes_in_batches_and_postgresql_in_a_pool():
    from django.db import connection

    pool = threads._Writers()._pool()
    if connection.vendor == "sqlite":
        assert isinstance(pool, threads.Batches)
    else:
        assert isinstance(pool, threads.Threads)
        assert pool.size == threads.POSTGRES_WRITERS
