"""Coalescing: at most one send per interval per group, and the newest always goes out."""

from thegither.live.broadcast import PHONE_EVERY, STAFF_EVERY, Coalescer


class FakeLoop:
    def __init__(self):
        self.now = 0.0
        self.timers = []

    def clock(self):
        return self.now

    def later(self, wait, callback):
        self.timers.append((self.now + wait, callback))
        return object()

    def advance(self, seconds):
        self.now += seconds
        due = [t for t in self.timers if t[0] <= self.now]
        self.timers = [t for t in self.timers if t[0] > self.now]
        for _when, callback in due:
            callback()


def _coalescer():
    loop = FakeLoop()
    sent = []
    coalescer = Coalescer(send=lambda g, m: sent.append((g, m)), clock=loop.clock, later=loop.later)
    return coalescer, loop, sent


def test_the_rates_are_four_a_second_for_staff_and_one_for_phones():
    assert STAFF_EVERY == 0.25
    assert PHONE_EVERY == 1.0


def test_the_first_snapshot_goes_at_once():
    coalescer, _loop, sent = _coalescer()
    coalescer.submit("g", {"seq": 1}, every=1.0)
    assert sent == [("g", {"seq": 1, "prev": 0})]


def test_a_burst_becomes_one_send_per_interval_carrying_the_newest():
    coalescer, loop, sent = _coalescer()
    for seq in range(1, 101):  # a hundred answers in the same instant
        coalescer.submit("g", {"seq": seq}, every=0.25)
    assert [m["seq"] for _g, m in sent] == [1]
    loop.advance(0.25)
    assert [m["seq"] for _g, m in sent] == [1, 100]
    assert sent[-1][1]["prev"] == 1  # so a screen that missed seq 1 knows it
    loop.advance(1)
    assert len(sent) == 2  # nothing new, nothing sent


def test_a_steady_stream_is_held_to_the_rate():
    coalescer, loop, sent = _coalescer()
    for step in range(100):  # an answer every 10 ms for a second
        coalescer.submit("g", {"seq": step + 1}, every=0.25)
        loop.advance(0.01)
    loop.advance(0.25)
    assert 4 <= len(sent) <= 5
    assert sent[-1][1]["seq"] == 100


def test_groups_are_held_separately():
    coalescer, _loop, sent = _coalescer()
    coalescer.submit("staff", {"seq": 1}, every=0.25)
    coalescer.submit("phones", {"seq": 1}, every=1.0)
    assert [g for g, _m in sent] == ["staff", "phones"]


def test_an_older_snapshot_than_one_sent_is_dropped():
    coalescer, _loop, sent = _coalescer()
    coalescer.submit("g", {"seq": 5}, every=0.25)
    coalescer.submit("g", {"seq": 4}, every=0.25)
    assert [m["seq"] for _g, m in sent] == [5]


def test_a_held_snapshot_is_never_replaced_by_an_older_one():
    coalescer, loop, sent = _coalescer()
    coalescer.submit("g", {"seq": 1}, every=0.25)
    coalescer.submit("g", {"seq": 3}, every=0.25)
    coalescer.submit("g", {"seq": 2}, every=0.25)  # published late by a slower thread
    loop.advance(0.25)
    assert [m["seq"] for _g, m in sent] == [1, 3]
