"""The speaking queue's rules in plain Python: who is waiting, in what order, who speaks.

Nothing here knows about Django (an import-linter contract keeps it so). A service
loads a session's queue into a `SpeakingQueue`, calls one method, and stores what
changed; the console shows `order()`; the Hypothesis stateful test
(live/tests/test_queue_rules.py) drives the same class with any order of events.

How the queue is ordered (decision 0063):

- **First come, first served** (`FIRST_COME`): earliest raised first.
- **Fair turns** (`FAIR_TURNS`): fewest turns first; among equals, earliest raised.
- **By hand**: as soon as the facilitator moves someone (up, down or by dragging),
  the queue keeps the order they left it in. A hand raised after that joins at the
  end; lowering, calling and finishing take people out without changing the order
  of the rest. The policy's order comes back when the facilitator presses "Sort
  again", clears the queue, or the queue empties.

A turn is counted when a speaker finishes: "done", calling the next speaker, the
speaker putting their own hand down, or clearing the queue while they speak.
Calling someone who isn't at the top is the facilitator choosing by hand too, but
it doesn't change the order of the people still waiting.
"""

from dataclasses import dataclass, field, replace

FIRST_COME = "first"
FAIR_TURNS = "fair"
POLICIES = (FIRST_COME, FAIR_TURNS)


@dataclass(frozen=True)
class Hand:
    """A raised hand: whose it is, when it went up, and where the facilitator put it."""

    person: int
    # Grows with every hand raised in the session (a card's database id): smaller is earlier.
    raised: int
    # The hand's place in the facilitator's own order; only used while `by_hand`.
    place: int | None = None


@dataclass
class SpeakingQueue:
    """One session's queue: the hands waiting, who speaks now, and everyone's turns so far."""

    policy: str = FAIR_TURNS
    hands: dict[int, Hand] = field(default_factory=dict)  # person: their one waiting hand
    speaker: int | None = None
    turns: dict[int, int] = field(default_factory=dict)  # person: turns finished
    by_hand: bool = False

    def __post_init__(self) -> None:
        if self.policy not in POLICIES:
            raise ValueError(f"unknown queue policy {self.policy!r}")

    # ---- reading ----

    def _key(self, hand: Hand) -> tuple:
        if self.by_hand:
            # Every hand has a place while the order is by hand; a hand without one
            # (only if stored rows disagree) goes last, earliest raised first.
            return (hand.place is None, hand.place or 0, hand.raised)
        if self.policy == FAIR_TURNS:
            return (self.turns.get(hand.person, 0), hand.raised)
        return (hand.raised,)

    def order(self) -> list[int]:
        """Return the people waiting, the next to speak first."""
        return [hand.person for hand in sorted(self.hands.values(), key=self._key)]

    def next_up(self) -> int | None:
        """Return who would be called next, or None when nobody is waiting."""
        order = self.order()
        return order[0] if order else None

    # ---- changes ----

    def raise_hand(self, person: int, *, raised: int) -> bool:
        """Put the person's hand up; False if it is up already or they are speaking."""
        if person in self.hands or person == self.speaker:
            return False
        place = None
        if self.by_hand:
            place = max((hand.place or 0 for hand in self.hands.values()), default=-1) + 1
        self.hands[person] = Hand(person=person, raised=raised, place=place)
        return True

    def lower(self, person: int) -> bool:
        """Take the person's hand down; False if it wasn't up."""
        if self.hands.pop(person, None) is None:
            return False
        self._settle()
        return True

    def done(self) -> int | None:
        """End the speaker's turn (counted); return who it was, or None if nobody spoke."""
        finished = self.speaker
        if finished is not None:
            self.turns[finished] = self.turns.get(finished, 0) + 1
            self.speaker = None
        return finished

    def call(self, person: int | None = None) -> int | None:
        """Make the next person (or this one, if waiting) the speaker; return who.

        The speaker before them has had their turn. Nobody waiting (or that person not
        waiting): nothing changes and the answer is None.
        """
        chosen = self.next_up() if person is None else person
        if chosen is None or chosen not in self.hands:
            return None
        self.done()
        del self.hands[chosen]
        self.speaker = chosen
        self._settle()
        return chosen

    def move(self, person: int, *, up: bool) -> bool:
        """Swap the person with the one before (up) or after them; the order is by hand now.

        False (and nothing changes) when they aren't waiting or are already at that end.
        """
        order = self.order()
        if person not in self.hands:
            return False
        here = order.index(person)
        there = here - 1 if up else here + 1
        if not 0 <= there < len(order):
            return False
        order[here], order[there] = order[there], order[here]
        self._arrange(order)
        return True

    def arrange(self, people: list[int]) -> bool:
        """Put the queue in the facilitator's order (a drag); the order is by hand now.

        `people` may be out of date: anyone in it who isn't waiting is skipped, someone
        named twice counts once, and anyone waiting but missing from it (they raised a
        hand after the facilitator's page was drawn) keeps their order after the rest.
        False when that is the order already.
        """
        current = self.order()
        seen: set[int] = set()
        wanted = []
        for person in people:
            if person in self.hands and person not in seen:
                seen.add(person)
                wanted.append(person)
        new = wanted + [person for person in current if person not in seen]
        if new == current:
            return False
        self._arrange(new)
        return True

    def sort_again(self) -> bool:
        """Go back to the policy's order; False if the order wasn't by hand."""
        if not self.by_hand:
            return False
        self.by_hand = False
        self.hands = {person: replace(hand, place=None) for person, hand in self.hands.items()}
        return True

    def clear(self) -> list[int]:
        """Take every hand down and end the speaker's turn; return whose hands came down."""
        lowered = self.order()
        self.done()
        self.hands = {}
        self._settle()
        return lowered

    def _arrange(self, order: list[int]) -> None:
        self.hands = {
            person: replace(self.hands[person], place=place) for place, person in enumerate(order)
        }
        self.by_hand = True

    def _settle(self) -> None:
        # An empty queue has no order left to keep: the next hands follow the policy.
        if not self.hands and self.by_hand:
            self.by_hand = False
