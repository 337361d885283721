"""Demo meetings: one held already (its record and the glossary), one to run, a Bid for a Fiver.

Everything goes through live's services, as a facilitator and phones would. The meeting
held already gives the glossary its words (from its Stop cards) and the record something
to show; its turns are given lengths by moving each call back in time, the one write
here that isn't a service (a demo can't wait minutes for people to talk).
"""

import uuid
from datetime import timedelta

from django.utils import timezone

from thegither.accounts.models import Organisation, User
from thegither.live import services as live
from thegither.live.models import Card, LiveSession

HELD_MEETING_TITLE = "Summer programme planning meeting"
MEETING_TITLE = "Tuesday planning meeting: the summer trip"
FIVER_TITLE = "Bid for a Fiver: what would you do for your community with £5?"
FIVER_TEAMS = ("Kestrels", "Otters", "Herons")
# Who came to the meeting held already (nicknames on their phones), in the order they joined.
HELD_PHONES = ("Ruby", "Kai", "Priya", "Dev", "Lou")
# (who speaks, for how many seconds), in order: Kai and Dev talk most; Lou never does.
HELD_TURNS = (("Kai", 95), ("Ruby", 40), ("Kai", 70), ("Dev", 120), ("Priya", 35), ("Dev", 60))
# (who pressed Stop, the words that lost them); "safeguarding" is left for you to explain.
HELD_STOPS = (
    ("Ruby", "co-production"),
    ("Lou", "stakeholders"),
    ("Priya", "Co production"),
    ("Kai", "quorum"),
    ("Dev", "safeguarding"),
)
# A word the facilitator added before anyone pressed Stop on it.
ADDED_WORD = "theory of change"
MEANINGS = {
    "co-production": "Planning and doing something together, as equals: young people and "
    "adults sharing the decisions, the work and the credit.",
    "stakeholders": "Everyone who cares about something or is affected by it: here, young "
    "people, families, youth workers and the people who give the money.",
    "theory of change": "A simple story of how what we do will make things better: "
    "what we do, what changes because of it, and how we will know.",
    "quorum": "The smallest number of people who must be at a meeting before it can "
    "make decisions.",
}


def demo_meetings_load(trust: Organisation, facilitator: User) -> None:
    """Make the demo's meetings and Bid for a Fiver, each once."""
    _held_meeting_load(trust, facilitator)
    if not LiveSession.objects.filter(organisation=trust, title=MEETING_TITLE).exists():
        live.session_create(
            organisation=trust,
            title=MEETING_TITLE,
            settings=live.SessionSettings(
                kind=LiveSession.Kind.MEETING, queue_on_screen=True, record_names=True
            ),
            by=facilitator,
        )
    if not LiveSession.objects.filter(organisation=trust, title=FIVER_TITLE).exists():
        fiver = live.session_create(
            organisation=trust,
            title=FIVER_TITLE,
            settings=live.SessionSettings(kind=LiveSession.Kind.FIVER),
            by=facilitator,
        )
        live.fiver_settings_change(
            session=fiver, settings=live.FiverSettings(own_vote_barred=True), by=facilitator
        )
        for name in FIVER_TEAMS:
            live.team_add(session=fiver, name=name, by=facilitator)


def _held_meeting_load(trust: Organisation, facilitator: User) -> None:
    """The meeting held already: turns, Stop cards with words, a break, then the end."""
    if LiveSession.objects.filter(organisation=trust, title=HELD_MEETING_TITLE).exists():
        return
    session = live.session_create(
        organisation=trust,
        title=HELD_MEETING_TITLE,
        settings=live.SessionSettings(
            kind=LiveSession.Kind.MEETING, queue_on_screen=True, record_names=True
        ),
        by=facilitator,
    )
    live.session_control(session=session, action="start", by=facilitator)
    phones = {
        name: live.session_join(
            session=session, token=f"demo-meeting-phone-{session.pk}-{name.lower()}", nickname=name
        ).participant
        for name in HELD_PHONES
    }
    for name, seconds in HELD_TURNS:
        hand = live.card_raise(participant=phones[name], kind="speak", client_id=uuid.uuid4())
        live.queue_control(session=session, action="call", by=facilitator)
        Card.objects.filter(pk=hand.card.pk).update(
            called_at=timezone.now() - timedelta(seconds=seconds)
        )
        live.queue_control(session=session, action="done", by=facilitator)
    for name, phrase in HELD_STOPS:
        live.card_raise(
            participant=phones[name], kind="stop", client_id=uuid.uuid4(), phrase=phrase
        )
    live.cards_put_down(session=session, kind="stop", by=facilitator)
    live.card_raise(participant=phones["Lou"], kind="quiet", client_id=uuid.uuid4())
    live.card_raise(participant=phones["Dev"], kind="break", client_id=uuid.uuid4())
    live.cards_put_down(session=session, kind="break", by=facilitator)
    live.session_control(session=session, action="end", by=facilitator)
    for word in session.organisation.glossary_words.filter(meaning=""):
        meaning = MEANINGS.get(word.words)
        if meaning:
            live.glossary_explain(word=word, meaning=meaning, by=facilitator)
    live.glossary_add(
        organisation=trust, words_typed=ADDED_WORD, meaning=MEANINGS[ADDED_WORD], by=facilitator
    )
