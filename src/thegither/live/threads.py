"""A few threads of live's own for database work, which keep their connection.

Django's ASGI handler runs each request's sync code in a new thread, and Channels'
`database_sync_to_async` closes and reopens the connection around every call. A hall of
phones answering at once then means hundreds of threads taking turns with the GIL while
one of them holds SQLite's write lock, and a new database connection for every answer.

Here the busy work runs on two small pools that live as long as the process:

- `writers` takes answers. On SQLite, which has one writer at a time anyway, one
  thread that commits queued answers together (`Batches`, a group commit), so the
  one holding the lock never waits for the GIL behind others and a hall's answers
  share their fsyncs; on PostgreSQL, which takes writers side by side, a few threads.
- `readers` reads snapshots for sockets and polling phones.
- `publishers` (one thread) numbers and reads the snapshots the coalescer sends. Each
  holds the session's row while it reads (decision 0090), so with several processes one
  may wait for another's; on a pool of its own that wait never holds up a phone's
  socket or poll.

Each thread keeps its connection between jobs (closing it only if it broke), so a
PostgreSQL deployment holds `size` connections per pool (seven a process), never one
per request (decision 0062).
"""

import asyncio
import contextlib
import functools
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from django.db import connection, connections, transaction

T = TypeVar("T")

POSTGRES_WRITERS = 4
READERS = 2


class Threads:
    """A named pool of threads whose jobs may use the database."""

    def __init__(self, name: str, size: Callable[[], int]):
        self.name = name
        self._size = size
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        return self._size()

    def _pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=self.size, thread_name_prefix=f"live-{self.name}"
                )
            return self._executor

    async def run(self, function: Callable[..., T], *args, **kwargs) -> T:
        """Run `function(*args, **kwargs)` on one of the pool's threads and return its result."""
        loop = asyncio.get_running_loop()
        job = functools.partial(_job, function, args, kwargs)
        return await loop.run_in_executor(self._pool(), job)

    def close(self) -> None:
        """Close every thread's connections and stop the threads (tests, shutdown)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is None:
            return
        # One job per thread: each waits at the barrier, so no thread takes two.
        size = executor._max_workers
        barrier = threading.Barrier(size)

        def close_here() -> None:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=5)
            connections.close_all()

        for _thread in range(size):
            executor.submit(close_here)
        executor.shutdown(wait=True)


class Batches:
    """One thread that runs the jobs queued for it in batches, a transaction per batch.

    SQLite makes every commit durable with an fsync (`synchronous=FULL`), and that
    wait, not Python, is most of an answer's cost. When answers queue up, this
    thread takes up to `most` of them, runs each in a savepoint of its own (a job
    that fails is rolled back alone) and commits them together: one fsync for the
    batch (a group commit). Each caller hears back only after that commit, so an
    acknowledged answer is on disk. If the commit itself fails, every job in the
    batch gets its error and nothing in it was saved.
    """

    def __init__(self, name: str, most: int = 32):
        self.name = name
        self.most = most
        self.size = 1
        self._queue: queue.SimpleQueue | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def _started(self) -> queue.SimpleQueue:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._queue = queue.SimpleQueue()
                self._thread = threading.Thread(
                    target=self._work, args=(self._queue,), name=f"live-{self.name}", daemon=True
                )
                self._thread.start()
            return self._queue

    async def run(self, function: Callable[..., T], *args, **kwargs) -> T:
        """Run `function(*args, **kwargs)` in the next batch; return once it is committed."""
        future: Future = Future()
        self._started().put((future, functools.partial(function, *args, **kwargs)))
        return await asyncio.wrap_future(future)

    def _work(self, jobs: queue.SimpleQueue) -> None:
        while True:
            first = jobs.get()
            if first is None:
                connections.close_all()
                return
            batch = [first]
            while len(batch) < self.most:
                try:
                    job = jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    jobs.put(None)  # stop after this batch
                    break
                batch.append(job)
            self._run(batch)

    def _run(self, batch: list) -> None:
        outcomes = []
        try:
            with transaction.atomic():
                for future, job in batch:
                    if not future.set_running_or_notify_cancel():
                        outcomes.append(None)
                        continue
                    try:
                        with transaction.atomic():  # a savepoint: a failure is this job's alone
                            outcomes.append((True, job()))
                    except Exception as error:
                        outcomes.append((False, error))
        except Exception as error:
            for (future, _job), outcome in zip(batch, outcomes, strict=False):
                if outcome is not None:
                    future.set_exception(error)
            for future, _job in batch[len(outcomes) :]:
                if future.set_running_or_notify_cancel():
                    future.set_exception(error)
            _tidy_connections()
            return
        for (future, _job), outcome in zip(batch, outcomes, strict=True):
            if outcome is None:
                continue
            done, value = outcome
            if done:
                future.set_result(value)
            else:
                future.set_exception(value)
        _tidy_connections()

    def close(self) -> None:
        """Finish the queued jobs, close the thread's connections and stop it."""
        with self._lock:
            thread, jobs = self._thread, self._queue
            self._thread = self._queue = None
        if thread is None:
            return
        jobs.put(None)
        thread.join(timeout=30)


def _job(function, args, kwargs):
    try:
        return function(*args, **kwargs)
    finally:
        _tidy_connections()


def _tidy_connections() -> None:
    """Keep each connection for the next job unless it broke or a transaction was left open.

    Django's `close_if_unusable_or_obsolete`, without the age limit: the thread
    is the pool, and ASGI's `conn_max_age=0` is meant for request threads.
    """
    for each in connections.all(initialized_only=True):
        if each.connection is None:
            continue
        each.health_check_done = False
        if each.in_atomic_block or each.get_autocommit() != each.settings_dict["AUTOCOMMIT"]:
            each.close()
        elif each.errors_occurred:
            if each.is_usable():
                each.errors_occurred = False
            else:
                each.close()


class _Writers:
    """Batches on SQLite (one writer, group commits); a pool of threads on PostgreSQL.

    PostgreSQL takes writers side by side, and a batch there would hold the session's
    row lock (its change counter) for the whole batch, so each answer commits alone.
    """

    def __init__(self):
        self._chosen: Batches | Threads | None = None

    def _pool(self) -> "Batches | Threads":
        if self._chosen is None:
            if connection.vendor == "sqlite":
                self._chosen = Batches("writers")
            else:
                self._chosen = Threads("writers", lambda: POSTGRES_WRITERS)
        return self._chosen

    @property
    def size(self) -> int:
        return self._pool().size

    async def run(self, function: Callable[..., T], *args, **kwargs) -> T:
        return await self._pool().run(function, *args, **kwargs)

    def close(self) -> None:
        if self._chosen is not None:
            self._chosen.close()


writers = _Writers()
readers = Threads("readers", lambda: READERS)
publishers = Threads("publishers", lambda: 1)


def close_all() -> None:
    writers.close()
    readers.close()
    publishers.close()
