"""Django's SQLite backend, with write transactions taken one at a time inside the process.

SQLite allows one writer at a time. Django's ASGI handler runs each request's sync code
in a thread of its own, so a burst of requests (a hall of phones answering at once)
means several threads asking SQLite for its write lock together. SQLite makes the
losers sleep and retry (1 ms, 2 ms, 5 ms... up to 100 ms between tries), which wastes
the time the lock is free. Here a write transaction (`BEGIN IMMEDIATE`, which the
settings ask for) first takes a lock in this process, so waiting writers queue and
the next one starts the moment the last one commits. Reads outside a transaction
take no lock, as before (WAL lets them run beside a writer).

Across processes SQLite's own lock and busy timeout still apply. A writer that waits
longer than the busy timeout for the process lock goes ahead without it, so this can
never wait forever where plain SQLite would have given up.
"""

import threading

from django.db.backends.sqlite3 import base

_writer = threading.Lock()


class DatabaseWrapper(base.DatabaseWrapper):
    _writing = False

    def _start_transaction_under_autocommit(self):
        seconds = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        holds = _writer.acquire(timeout=seconds)
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            if holds:
                _writer.release()
            raise
        self._writing = holds

    def _release_writer(self) -> None:
        if self._writing:
            self._writing = False
            _writer.release()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_writer()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_writer()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_writer()
