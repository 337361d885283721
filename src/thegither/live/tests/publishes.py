"""`capture_publishes`: how many snapshots a service sent, after commit (like Zulip's helper)."""

from contextlib import contextmanager
from dataclasses import dataclass, field

from django.test import TestCase

from thegither.live import broadcast


@dataclass
class Published:
    sent: list[tuple[str, dict]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.sent)

    def to(self, group: str) -> list[dict]:
        return [message for name, message in self.sent if name == group]


@contextmanager
def capture_publishes():
    """Run the block, then its on-commit callbacks, and collect every snapshot published.

    Publishing happens only after commit, so a snapshot sent inside the transaction
    would show up before the callbacks run: the helper checks none did.
    """
    published = Published()

    def listen(group: str, message: dict) -> None:
        published.sent.append((group, message))

    broadcast._listeners.append(listen)
    try:
        with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
            yield published
            before_commit = len(published)
        assert before_commit == 0, "published inside the transaction, not after commit"
        del callbacks
    finally:
        broadcast._listeners.remove(listen)
