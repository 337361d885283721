"""Coalescing: at most one send per interval per group, and the newest always goes out."""

import asyncio
import os
import uuid

import pytest

from thegither.live import broadcast
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


def test_a_snapshot_function_is_called_only_when_a_send_is_due():
    coalescer, loop, sent = _coalescer()
    calls = []

    def reader(seq):
        def read():
            calls.append(seq)
            return {"seq": seq}

        return read

    for seq in range(1, 101):  # a hundred answers, each asking for a snapshot
        coalescer.submit("g", reader(seq), every=0.25)
    assert calls == [1]
    loop.advance(0.25)
    assert calls == [1, 100]
    assert [m["seq"] for _g, m in sent] == [1, 100]
    assert sent[-1][1]["prev"] == 1


def test_changes_while_a_snapshot_is_being_read_are_sent_after_it():
    loop = FakeLoop()
    sent, reading = [], []
    coalescer = Coalescer(
        send=lambda g, m: sent.append(m),
        clock=loop.clock,
        later=loop.later,
        make=lambda message, done: reading.append((message, done)),
    )
    coalescer.submit("g", lambda: {"seq": 1}, every=0.25)
    coalescer.submit("g", lambda: {"seq": 2}, every=0.25)  # while seq 1 is read
    assert len(reading) == 1
    assert loop.timers == []  # nothing else starts while a read is going on
    message, done = reading.pop()
    done(message())
    assert [m["seq"] for m in sent] == [1]
    loop.advance(0.25)
    message, done = reading.pop()
    done(message())
    assert [m["seq"] for m in sent] == [1, 2]


def test_a_snapshot_that_could_not_be_read_does_not_stop_the_next():
    loop = FakeLoop()
    sent, reading = [], []
    coalescer = Coalescer(
        send=lambda g, m: sent.append(m),
        clock=loop.clock,
        later=loop.later,
        make=lambda message, done: reading.append(done),
    )
    coalescer.submit("g", lambda: {"seq": 1}, every=0.25)
    reading.pop()(None)  # the read failed
    coalescer.submit("g", lambda: {"seq": 2}, every=0.25)
    reading.pop()({"seq": 2})
    assert [m["seq"] for m in sent] == [2]


# ---- several processes: taking turns through Redis (decision 0090) ----


def test_a_group_another_process_just_sent_to_waits_then_sends_the_newest():
    loop = FakeLoop()
    sent, asked = [], []

    def claim(group, every, go):
        asked.append(group)
        go(0.1 if len(asked) == 1 else 0.0)  # another process holds the first 0.1 s

    coalescer = Coalescer(
        send=lambda g, m: sent.append(m), clock=loop.clock, later=loop.later, claim=claim
    )
    coalescer.submit("g", {"seq": 1}, every=0.25)
    assert sent == []
    coalescer.submit("g", {"seq": 2}, every=0.25)  # a newer change while it waits
    loop.advance(0.1)
    assert [m["seq"] for m in sent] == [2]
    assert asked == ["g", "g"]


def test_when_another_process_holds_the_group_nothing_is_lost_or_sent_twice():
    loop = FakeLoop()
    sent = []
    holds = iter([0.2, 0.2, 0.0, 0.0])
    coalescer = Coalescer(
        send=lambda g, m: sent.append(m),
        clock=loop.clock,
        later=loop.later,
        claim=lambda group, every, go: go(next(holds)),
    )
    coalescer.submit("g", {"seq": 1}, every=0.25)
    loop.advance(0.2)
    loop.advance(0.2)
    assert [m["seq"] for m in sent] == [1]
    loop.advance(5)
    assert [m["seq"] for m in sent] == [1]


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="claims are in Redis with REDIS_URL")
def test_two_processes_take_turns_so_a_group_hears_once_an_interval():
    """Two coalescers (two server processes) share a group through real Redis claims."""

    async def run():
        loop = asyncio.get_running_loop()
        first, second = [], []
        group = f"test.claims.{uuid.uuid4().hex}"

        def coalescer(sent):
            return Coalescer(
                send=lambda g, m: sent.append((loop.time(), m["seq"])),
                clock=loop.time,
                later=loop.call_later,
                claim=broadcast._claim,
            )

        one, two = coalescer(first), coalescer(second)
        one.submit(group, {"seq": 1}, every=0.25)
        two.submit(group, {"seq": 2}, every=0.25)
        # Wait for both sends, however busy the machine (no timing is asserted but the gap).
        deadline = loop.time() + 10
        while len(first) + len(second) < 2 and loop.time() < deadline:
            await asyncio.sleep(0.02)
        both = sorted(first + second)
        assert [seq for _when, seq in both] == [1, 2]
        # The second waited its turn: a whole interval after the first, near enough.
        assert both[1][0] - both[0][0] >= 0.2

    asyncio.run(run())
