"""The background worker: whether one is needed, and keeping one running beside `thegither up`.

With THEGITHER_TASKS=database, tasks (emails) wait in the database until a worker runs
them: django-tasks-db's `db_worker`, which `thegither worker` wraps. `thegither up`
starts one as a child process, starts it again if it stops, and stops it when `up`
stops (decision 0045).
"""

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable

from django.tasks import task_backends
from django_tasks_db import DatabaseBackend


def worker_is_needed() -> bool:
    """Say whether tasks wait in the database for a worker (rather than running straight away)."""
    return isinstance(task_backends["default"], DatabaseBackend)


def worker_command() -> list[str] | None:
    """Return the command `thegither up` runs beside the web server, or None if none is needed.

    The worker is told this process's id, so it stops by itself if `up` is killed
    without the chance to stop it.
    """
    if not worker_is_needed():
        return None
    return [sys.executable, "-m", "thegither.cli", "worker", "--parent-pid", str(os.getpid())]


class WorkerSupervisor:
    """Run a worker as a child process; start it again if it stops, and say so loudly.

    Each restart waits twice as long as the one before (from `first_pause` up to
    `longest_pause` seconds), so a worker that cannot start does not spin; a worker that
    ran for longer than `longest_pause` starts again after `first_pause`.
    """

    def __init__(
        self,
        command: list[str],
        *,
        say: Callable[[str], object],
        first_pause: float = 1.0,
        longest_pause: float = 60.0,
        stop_timeout: float = 30.0,
    ) -> None:
        self.command = command
        self.say = say
        self.first_pause = first_pause
        self.longest_pause = longest_pause
        self.stop_timeout = stop_timeout
        self.starts = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._started_at = 0.0
        self._watcher: threading.Thread | None = None

    @property
    def pid(self) -> int | None:
        """Return the running worker's process id."""
        with self._lock:
            return self._process.pid if self._process is not None else None

    def start(self) -> None:
        """Start the worker and watch it from a background thread."""
        self._spawn()
        self._watcher = threading.Thread(target=self._watch, name="worker-watch", daemon=True)
        self._watcher.start()

    def _spawn(self) -> subprocess.Popen | None:
        with self._lock:
            if self._stopping.is_set():
                return None
            # Its own session, so Ctrl+C in the terminal reaches only `up`, which stops
            # the worker after the web server: a task is not cut off halfway.
            self._process = subprocess.Popen(self.command, start_new_session=True)  # noqa: S603
            self._started_at = time.monotonic()
            self.starts += 1
            return self._process

    def _watch(self) -> None:
        pause = self.first_pause
        process = self._process
        while process is not None:
            status = process.wait()
            if self._stopping.is_set():
                return
            if time.monotonic() - self._started_at > self.longest_pause:
                pause = self.first_pause
            how = f"stopped by signal {-status}" if status < 0 else f"exit status {status}"
            self.say(
                f"WARNING: the background worker stopped ({how}), so emails wait in the "
                f"database. Starting it again in {pause:g} second(s)."
            )
            if self._stopping.wait(pause):
                return
            pause = min(pause * 2, self.longest_pause)
            process = self._spawn()

    def stop(self) -> None:
        """Stop the worker (it finishes the task it is running first) and stop watching it."""
        self._stopping.set()
        with self._lock:
            process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                self.say(
                    f"WARNING: the background worker did not stop within "
                    f"{self.stop_timeout:g} seconds, so it was stopped in the middle of a task."
                )
                process.kill()
                process.wait()
        if self._watcher is not None:
            self._watcher.join(timeout=self.stop_timeout)
