"""The speaking queue's rules (live/queue.py) under any order of events (Hypothesis, stateful).

A simple model runs beside the real queue: who is waiting and when they raised their
hand, everyone's turns, who speaks, and, once the facilitator moves someone, the order
they left. After every step the queue must agree with the model; whenever someone is
called, fair turns must pick a person with the fewest turns (unless the order is by hand,
decision 0063); and no hand is ever lost or in the queue twice.
"""

from collections import Counter

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from thegither.live.queue import FAIR_TURNS, FIRST_COME, POLICIES, SpeakingQueue

people = st.integers(min_value=0, max_value=6)


class QueueRules(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.queue = SpeakingQueue()
        self.clock = 0
        self.waiting: dict[int, int] = {}  # person: when their hand went up
        self.turns: Counter[int] = Counter()
        self.speaker: int | None = None
        self.hand_order: list[int] | None = None  # the facilitator's order, once they move someone

    # ---- the model ----

    def expected_order(self) -> list[int]:
        if self.hand_order is not None:
            return list(self.hand_order)
        if self.queue.policy == FAIR_TURNS:
            return sorted(self.waiting, key=lambda p: (self.turns[p], self.waiting[p]))
        return sorted(self.waiting, key=self.waiting.__getitem__)

    def take_out(self, person: int) -> None:
        del self.waiting[person]
        if self.hand_order is not None:
            self.hand_order.remove(person)
            if not self.hand_order:
                self.hand_order = None

    def finish_speaker(self) -> None:
        if self.speaker is not None:
            self.turns[self.speaker] += 1
            self.speaker = None

    # ---- events ----

    @initialize(policy=st.sampled_from(POLICIES))
    def start(self, policy):
        self.queue.policy = policy

    @rule(policy=st.sampled_from(POLICIES))
    def change_policy(self, policy):
        self.queue.policy = policy

    @rule(person=people)
    def raise_hand(self, person):
        self.clock += 1
        expected = person not in self.waiting and person != self.speaker
        assert self.queue.raise_hand(person, raised=self.clock) is expected
        if expected:
            self.waiting[person] = self.clock
            if self.hand_order is not None:
                self.hand_order.append(person)  # by hand: a new hand joins at the end

    @rule(person=people)
    def lower(self, person):
        expected = person in self.waiting
        assert self.queue.lower(person) is expected
        if expected:
            self.take_out(person)

    @rule()
    def call_next(self):
        waiting = dict(self.waiting)
        called = self.queue.call()
        if not waiting:
            assert called is None
            return
        if self.hand_order is not None:
            assert called == self.hand_order[0]
        elif self.queue.policy == FAIR_TURNS:
            # The promise of fair turns: nobody waiting has had fewer turns.
            assert self.turns[called] == min(self.turns[p] for p in waiting)
            assert called == min(waiting, key=lambda p: (self.turns[p], waiting[p]))
        else:
            assert called == min(waiting, key=waiting.__getitem__)
        self.finish_speaker()
        self.take_out(called)
        self.speaker = called

    @rule(person=people)
    def call_chosen(self, person):
        called = self.queue.call(person)
        if person not in self.waiting:
            assert called is None
            return
        assert called == person
        self.finish_speaker()
        self.take_out(person)
        self.speaker = person

    @rule()
    def done(self):
        expected = self.speaker
        assert self.queue.done() == expected
        self.finish_speaker()

    @rule(person=people, up=st.booleans())
    def move(self, person, up):
        order = self.expected_order()
        there = (order.index(person) + (-1 if up else 1)) if person in order else -1
        if not 0 <= there < len(order):
            assert self.queue.move(person, up=up) is False
            return
        here = order.index(person)
        order[here], order[there] = order[there], order[here]
        assert self.queue.move(person, up=up) is True
        self.hand_order = order

    @rule(wanted=st.lists(people, max_size=10))
    def arrange(self, wanted):
        current = self.expected_order()
        first = list(dict.fromkeys(p for p in wanted if p in self.waiting))
        new = first + [p for p in current if p not in first]
        changed = new != current
        assert self.queue.arrange(wanted) is changed
        if changed:
            self.hand_order = new

    @rule()
    def sort_again(self):
        assert self.queue.sort_again() is (self.hand_order is not None)
        self.hand_order = None

    @rule()
    def clear(self):
        assert self.queue.clear() == self.expected_order()
        self.finish_speaker()
        self.waiting = {}
        self.hand_order = None

    # ---- what must always hold ----

    @invariant()
    def no_hand_is_lost_or_twice_in_the_queue(self):
        order = self.queue.order()
        assert len(order) == len(set(order))
        assert set(order) == set(self.waiting)
        assert self.queue.speaker == self.speaker
        assert self.speaker not in order

    @invariant()
    def the_order_is_the_policy_or_the_facilitators(self):
        assert self.queue.order() == self.expected_order()
        assert self.queue.by_hand is (self.hand_order is not None)

    @invariant()
    def fair_turns_puts_the_fewest_turns_first(self):
        order = self.queue.order()
        if order and self.queue.policy == FAIR_TURNS and not self.queue.by_hand:
            assert self.turns[order[0]] == min(self.turns[p] for p in order)

    @invariant()
    def turns_are_counted_once_each(self):
        assert +Counter(self.queue.turns) == +self.turns


QueueRules.TestCase.settings = settings(max_examples=300, stateful_step_count=60, deadline=None)
test_the_speaking_queue_keeps_its_rules = QueueRules.TestCase


def test_fair_turns_calls_someone_who_has_not_spoken_before_a_second_turn():
    queue = SpeakingQueue(policy=FAIR_TURNS)
    queue.raise_hand(1, raised=1)
    assert queue.call() == 1
    assert queue.done() == 1
    queue.raise_hand(1, raised=2)  # the first speaker again, before anyone else
    queue.raise_hand(2, raised=3)
    assert queue.order() == [2, 1]
    assert queue.call() == 2
    assert queue.turns == {1: 1}


def test_first_come_first_served_keeps_the_order_hands_went_up():
    queue = SpeakingQueue(policy=FIRST_COME)
    queue.raise_hand(1, raised=1)
    queue.call()
    queue.done()
    queue.raise_hand(1, raised=2)
    queue.raise_hand(2, raised=3)
    assert queue.order() == [1, 2]


def test_by_hand_new_hands_join_the_end_and_an_empty_queue_goes_back_to_the_policy():
    queue = SpeakingQueue(policy=FAIR_TURNS, turns={1: 3})
    queue.raise_hand(1, raised=1)
    queue.raise_hand(2, raised=2)
    assert queue.order() == [2, 1]
    assert queue.move(1, up=True)
    queue.raise_hand(3, raised=3)  # no turns yet, but the order is by hand
    assert queue.order() == [1, 2, 3]
    queue.clear()
    assert queue.by_hand is False
    queue.raise_hand(1, raised=4)
    queue.raise_hand(3, raised=5)
    assert queue.order() == [3, 1]


def test_an_unknown_policy_is_a_programming_error():
    import pytest

    with pytest.raises(ValueError, match="unknown queue policy"):
        SpeakingQueue(policy="loudest")
