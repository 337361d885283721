"""Meeting cards and the speaking queue: settings, presses, the queue's services, snapshots."""

import json
import random
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from thegither.core.models import AuditEvent
from thegither.core.refusals import Refusal, Refused
from thegither.live import selectors, services
from thegither.live.models import Card, LiveSession
from thegither.live.services import SessionSettings
from thegither.live.tests.publishes import capture_publishes

MEETING = SessionSettings(kind=LiveSession.Kind.MEETING)


@pytest.fixture
def meeting(organisation, staff):
    """A started meeting (cards, fair turns, no questions) with three phones in it."""
    session = services.session_create(
        organisation=organisation, title="Planning meeting", settings=MEETING, by=staff
    )
    services.session_control(session=session, action="start", by=staff)
    session.refresh_from_db()
    return session


def _phone(session, number: int, nickname: str = ""):
    return services.session_join(
        session=session, token=f"phone-token-{number:02d}-abcdefghij", nickname=nickname
    ).participant


@pytest.fixture
def ali(meeting):
    return _phone(meeting, 1, "Ali")


@pytest.fixture
def sam(meeting):
    return _phone(meeting, 2, "Sam")


@pytest.fixture
def jo(meeting):
    return _phone(meeting, 3)  # no nickname: "Phone 3" to the facilitator


def _raise(participant, kind=Card.Kind.SPEAK, phrase=""):
    return services.card_raise(
        participant=participant, kind=kind, client_id=uuid.uuid4(), phrase=phrase
    )


def _order(session) -> list[int]:
    session.refresh_from_db()
    queue, _cards = selectors.queue_of(session)
    return queue.order()


def _speaker(session):
    return Card.objects.filter(session=session, state=Card.State.SPEAKING).first()


# ---- settings ----


def test_a_meeting_always_has_cards_and_a_workshop_can_have_them(organisation, staff):
    meeting = services.session_create(
        organisation=organisation, title="M", settings=MEETING, by=staff
    )
    assert meeting.is_meeting
    assert meeting.cards_on
    assert meeting.has_cards
    workshop = services.session_create(organisation=organisation, title="W", by=staff)
    assert not workshop.has_cards
    event = AuditEvent.objects.get(action="live.session_create", target_id=str(meeting.pk))
    assert event.details["kind"] == "meeting"


@pytest.mark.parametrize(
    "settings",
    [
        SessionSettings(kind="party"),
        SessionSettings(stop_words="huh"),
        SessionSettings(queue_policy="loudest"),
    ],
)
def test_settings_off_the_list_are_refused(organisation, staff, settings):
    with pytest.raises(Refused) as refused:
        services.session_create(organisation=organisation, title="X", settings=settings, by=staff)
    assert refused.value.kind == Refusal.BAD_CHOICE
    assert not LiveSession.objects.filter(title="X").exists()


def test_changing_the_settings_is_audited_and_every_screen_hears(session, staff):
    wanted = SessionSettings(
        cards_on=True,
        stop_words=LiveSession.StopWords.WHAT,
        stop_names_shown=True,
        queue_on_screen=True,
        queue_policy=LiveSession.QueuePolicy.FIRST,
    )
    with capture_publishes() as published:
        services.session_change(session=session, title="Renamed", settings=wanted, by=staff)
    assert len(published.to(services.staff_group(session.pk))) == 1
    session.refresh_from_db()
    assert (session.title, session.cards_on, session.stop_words) == ("Renamed", True, "what")
    assert session.get_stop_words_display() == "What do you mean?"
    event = AuditEvent.objects.get(action="live.session_change")
    assert event.details["old"]["queue_policy"] == "fair"
    assert event.details["new"]["queue_policy"] == "first"
    # The same again changes nothing and tells nobody.
    with capture_publishes() as published:
        services.session_change(session=session, title="Renamed", settings=wanted, by=staff)
    assert len(published) == 0
    assert AuditEvent.objects.filter(action="live.session_change").count() == 1


def test_only_the_organisations_staff_change_settings(session, outsider, panel_member):
    for person in (outsider, panel_member):
        with pytest.raises(Refused) as refused:
            services.session_change(
                session=session, title="Mine", settings=SessionSettings(cards_on=True), by=person
            )
        assert refused.value.kind == Refusal.NOT_ALLOWED
    session.refresh_from_db()
    assert not session.cards_on


def test_a_copy_keeps_the_settings_but_not_the_cards(meeting, staff, ali):
    _raise(ali)
    copy = services.session_copy(session=meeting, by=staff)
    assert copy.is_meeting
    assert copy.cards_on
    assert copy.queue_policy == meeting.queue_policy
    assert not Card.objects.filter(session=copy).exists()


# ---- pressing cards ----


def test_the_same_press_sent_twice_counts_once(meeting, ali):
    client_id = uuid.uuid4()
    first = services.card_raise(participant=ali, kind="speak", client_id=client_id)
    again = services.card_raise(participant=ali, kind="speak", client_id=str(client_id))
    assert (first.replayed, again.replayed) == (False, True)
    assert again.card.pk == first.card.pk
    assert Card.objects.filter(participant=ali).count() == 1


def test_a_card_already_up_is_not_held_up_twice(meeting, ali):
    first = _raise(ali, Card.Kind.BREAK)
    second = _raise(ali, Card.Kind.BREAK)
    assert second.already
    assert second.card.pk == first.card.pk
    assert Card.objects.filter(participant=ali, kind="break").count() == 1


def test_a_client_id_used_for_another_card_or_phone_is_refused(meeting, ali, sam):
    client_id = uuid.uuid4()
    services.card_raise(participant=ali, kind="speak", client_id=client_id)
    for participant, kind in ((ali, "stop"), (sam, "speak")):
        with pytest.raises(Refused) as refused:
            services.card_raise(participant=participant, kind=kind, client_id=client_id)
        assert refused.value.kind == Refusal.INVALID


@pytest.mark.parametrize(
    ("kind", "client_id", "phrase", "refusal"),
    [
        ("shout", uuid.uuid4(), "", Refusal.BAD_CHOICE),
        ("speak", "not-a-uuid", "", Refusal.INVALID),
        ("stop", uuid.uuid4(), "x" * 61, Refusal.TOO_LONG),
    ],
)
def test_bad_presses_are_refused(meeting, ali, kind, client_id, phrase, refusal):
    with pytest.raises(Refused) as refused:
        services.card_raise(participant=ali, kind=kind, client_id=client_id, phrase=phrase)
    assert refused.value.kind == refusal
    assert not Card.objects.exists()


def test_a_stop_card_keeps_its_words_tidied_and_filtered(meeting, ali, sam):
    kept = _raise(ali, Card.Kind.STOP, phrase="  co-production \n  board ")
    assert kept.card.phrase == "co-production board"
    dropped = _raise(sam, Card.Kind.STOP, phrase="what the fuck")
    # The card still goes (it's urgent); the words the filter stops are left out.
    assert dropped.phrase_dropped
    assert dropped.card.phrase == ""
    assert Card.objects.filter(kind="stop", state="up").count() == 2
    # Words only belong on Stop.
    assert _raise(ali, Card.Kind.BREAK, phrase="anything").card.phrase == ""


def test_a_removed_phone_cannot_press_or_put_down_and_its_cards_come_down(meeting, staff, ali, sam):
    hand = _raise(ali).card
    services.queue_control(session=meeting, action="call", by=staff)
    stop = _raise(sam, Card.Kind.STOP).card
    Card.objects.filter(pk=hand.pk).update(called_at=timezone.now() - timedelta(seconds=30))
    services.participant_remove(participant=ali, by=staff)
    services.participant_remove(participant=sam, by=staff)
    hand.refresh_from_db()
    stop.refresh_from_db()
    assert (hand.state, stop.state) == ("done", "down")
    assert hand.seconds >= 30  # being taken out while speaking still ends a turn
    with pytest.raises(Refused) as refused:
        _raise(sam, Card.Kind.SPEAK)
    assert refused.value.kind == Refusal.NOT_ALLOWED
    with pytest.raises(Refused):
        services.card_lower(participant=sam, card=stop)


def test_cards_work_only_while_a_session_with_cards_runs(running, staff, phone, meeting, ali):
    with pytest.raises(Refused) as refused:
        _raise(phone)  # a workshop without cards
    assert refused.value.kind == Refusal.WRONG_STATE
    services.session_control(session=meeting, action="end", by=staff)
    with pytest.raises(Refused) as refused:
        _raise(ali)
    assert refused.value.kind == Refusal.WRONG_STATE
    assert "ended" in refused.value.messages[0]


def test_a_paused_queue_takes_no_new_hands_but_stop_still_works(meeting, staff, ali, sam):
    _raise(ali)
    services.queue_control(session=meeting, action="pause", by=staff)
    with pytest.raises(Refused) as refused:
        _raise(sam)
    assert refused.value.kind == Refusal.WRONG_STATE
    assert _raise(sam, Card.Kind.STOP).card.state == "up"
    assert _order(meeting) == [ali.pk]  # hands already up stay
    services.queue_control(session=meeting, action="resume", by=staff)
    _raise(sam)
    assert _order(meeting) == [ali.pk, sam.pk]


def test_not_wanting_to_speak_and_wanting_to_speak_take_each_other_down(meeting, ali):
    hand = _raise(ali).card
    quiet = _raise(ali, Card.Kind.QUIET).card
    hand.refresh_from_db()
    assert hand.state == "down"
    assert _order(meeting) == []
    _raise(ali)
    quiet.refresh_from_db()
    assert quiet.state == "down"
    assert _order(meeting) == [ali.pk]


def test_a_phone_puts_its_own_card_down_once(meeting, ali, sam):
    hand = _raise(ali).card
    with pytest.raises(Refused) as refused:
        services.card_lower(participant=sam, card=hand)
    assert refused.value.kind == Refusal.MISMATCH
    assert services.card_lower(participant=ali, card=hand).changed is True
    assert services.card_lower(participant=ali, card=hand).changed is False
    assert _order(meeting) == []


def test_a_speaker_putting_their_hand_down_has_finished_their_turn(meeting, staff, ali):
    hand = _raise(ali).card
    services.queue_control(session=meeting, action="call", by=staff)
    Card.objects.filter(pk=hand.pk).update(called_at=timezone.now() - timedelta(seconds=75))
    services.card_lower(participant=ali, card=hand)
    hand.refresh_from_db()
    assert hand.state == "done"
    assert 75 <= hand.seconds < 80
    assert selectors.turns_of(meeting.pk) == {ali.pk: 1}


def test_each_press_publishes_after_commit_and_nothing_for_a_replay(meeting, ali):
    client_id = uuid.uuid4()
    with capture_publishes() as published:
        services.card_raise(participant=ali, kind="speak", client_id=client_id)
    assert len(published.to(services.staff_group(meeting.pk))) == 1
    assert len(published.to(services.phone_group(meeting.pk))) == 1
    with capture_publishes() as published:
        services.card_raise(participant=ali, kind="speak", client_id=client_id)
    assert len(published) == 0


def test_presses_are_not_in_the_audit_log(meeting, ali):
    _raise(ali, Card.Kind.STOP)
    assert not AuditEvent.objects.filter(action__startswith="live.card").exists()


def test_too_many_taps_are_slowed_down(meeting, ali, monkeypatch):
    monkeypatch.setattr(
        services, "CARDS_PER_PHONE", services.RateLimit("live-card-test", limit=2, seconds=60)
    )
    hand = _raise(ali).card
    services.card_lower(participant=ali, card=hand)
    _raise(ali)
    with pytest.raises(Refused) as refused:
        _raise(ali, Card.Kind.BREAK)
    assert refused.value.kind == Refusal.TOO_MANY


# ---- the queue ----


def test_fair_turns_puts_those_who_have_spoken_least_first(meeting, staff, ali, sam, jo):
    _raise(ali)
    services.queue_control(session=meeting, action="call", by=staff)
    _raise(ali)  # can't: Ali is speaking
    assert _order(meeting) == []
    services.queue_control(session=meeting, action="done", by=staff)
    _raise(ali)
    _raise(sam)
    _raise(jo)
    # Ali has had a turn, so Sam and Jo (earliest raised first) go before.
    assert _order(meeting) == [sam.pk, jo.pk, ali.pk]
    services.queue_control(session=meeting, action="call", by=staff)
    assert _speaker(meeting).participant_id == sam.pk


def test_first_come_first_served_keeps_the_order_hands_went_up(meeting, staff, ali, sam):
    services.session_change(
        session=meeting,
        title=meeting.title,
        settings=SessionSettings(kind="meeting", queue_policy="first"),
        by=staff,
    )
    _raise(ali)
    services.queue_control(session=meeting, action="call", by=staff)
    services.queue_control(session=meeting, action="done", by=staff)
    _raise(ali)
    _raise(sam)
    assert _order(meeting) == [ali.pk, sam.pk]


def test_calling_the_next_ends_the_last_turn_with_its_time(meeting, staff, ali, sam):
    first = _raise(ali).card
    _raise(sam)
    services.queue_control(session=meeting, action="call", by=staff)
    Card.objects.filter(pk=first.pk).update(called_at=timezone.now() - timedelta(seconds=42))
    services.queue_control(session=meeting, action="call", by=staff)
    first.refresh_from_db()
    assert first.state == "done"
    assert 42 <= first.seconds < 47
    assert _speaker(meeting).participant_id == sam.pk
    assert Card.objects.filter(session=meeting, state="speaking").count() == 1


def test_moving_someone_keeps_the_facilitators_order_until_sorted_again(
    meeting, staff, ali, sam, jo
):
    _raise(ali)
    sam_card = _raise(sam).card
    with capture_publishes() as published:
        assert services.queue_control(session=meeting, action="up", card=sam_card, by=staff)
    assert len(published.to(services.staff_group(meeting.pk))) == 1
    assert _order(meeting) == [sam.pk, ali.pk]
    assert meeting.queue_by_hand
    _raise(jo)  # never spoken, but the order is by hand: the end
    assert _order(meeting) == [sam.pk, ali.pk, jo.pk]
    # Already at the top: nothing happens, nothing is sent.
    with capture_publishes() as published:
        assert not services.queue_control(session=meeting, action="up", card=sam_card, by=staff)
    assert len(published) == 0
    services.queue_control(session=meeting, action="sort", by=staff)
    assert _order(meeting) == [ali.pk, sam.pk, jo.pk]
    assert not meeting.queue_by_hand
    event = AuditEvent.objects.get(action="live.queue_up")
    assert event.details["old"]["order"] == [ali.pk, sam.pk]
    assert event.details["new"]["order"] == [sam.pk, ali.pk]


def test_a_drag_order_skips_cards_no_longer_waiting_and_keeps_newcomers(
    meeting, staff, ali, sam, jo
):
    a, s = _raise(ali).card, _raise(sam).card
    _raise(jo)  # raised after the facilitator's page was drawn
    services.card_lower(participant=ali, card=a)
    services.queue_control(
        session=meeting, action="arrange", order=[a.pk, s.pk, 99999, s.pk], by=staff
    )
    assert _order(meeting) == [sam.pk, jo.pk]


def test_clearing_the_queue_takes_every_hand_down_and_ends_the_turn(meeting, staff, ali, sam, jo):
    _raise(ali)
    _raise(sam)
    _raise(jo)
    services.queue_control(session=meeting, action="call", by=staff)
    round_before = LiveSession.objects.get(pk=meeting.pk).cards_round
    assert services.queue_control(session=meeting, action="clear", by=staff)
    assert _order(meeting) == []
    assert _speaker(meeting) is None
    assert selectors.turns_of(meeting.pk) == {ali.pk: 1}
    assert LiveSession.objects.get(pk=meeting.pk).cards_round == round_before + 1
    assert not services.queue_control(session=meeting, action="clear", by=staff)


def test_calling_when_nobody_waits_changes_nothing(meeting, staff):
    with capture_publishes() as published:
        assert not services.queue_control(session=meeting, action="call", by=staff)
        assert not services.queue_control(session=meeting, action="done", by=staff)
    assert len(published) == 0
    assert not AuditEvent.objects.filter(action__startswith="live.queue").exists()


def test_the_queue_is_the_facilitators_alone(meeting, staff, outsider, panel_member, ali):
    _raise(ali)
    for person in (outsider, panel_member):
        with pytest.raises(Refused) as refused:
            services.queue_control(session=meeting, action="call", by=person)
        assert refused.value.kind == Refusal.NOT_ALLOWED
        with pytest.raises(Refused):
            services.cards_put_down(session=meeting, kind="stop", by=person)
    assert _speaker(meeting) is None


def test_queue_refusals(meeting, staff, organisation, running, ali):
    card = _raise(ali).card
    with pytest.raises(Refused) as refused:
        services.queue_control(session=meeting, action="shout", by=staff)
    assert refused.value.kind == Refusal.BAD_CHOICE
    with pytest.raises(Refused) as refused:
        services.queue_control(session=meeting, action="up", by=staff)
    assert refused.value.kind == Refusal.INVALID
    with pytest.raises(Refused) as refused:
        services.queue_control(session=running, action="call", card=card, by=staff)
    assert refused.value.kind == Refusal.WRONG_STATE  # that workshop has no cards
    services.session_change(
        session=running, title=running.title, settings=SessionSettings(cards_on=True), by=staff
    )
    with pytest.raises(Refused) as refused:
        services.queue_control(session=running, action="call", card=card, by=staff)
    assert refused.value.kind == Refusal.MISMATCH


def test_stop_and_break_cards_are_put_down_together(meeting, staff, ali, sam):
    _raise(ali, Card.Kind.STOP, phrase="quorum")
    _raise(sam, Card.Kind.STOP)
    _raise(sam, Card.Kind.BREAK)
    assert services.cards_put_down(session=meeting, kind="stop", by=staff) == 2
    assert services.cards_put_down(session=meeting, kind="stop", by=staff) == 0
    assert Card.objects.filter(kind="break", state="up").count() == 1
    # The words stay stored (the glossary will count them), the card is down.
    assert Card.objects.get(phrase="quorum").state == "down"
    assert AuditEvent.objects.get(action="live.cards_put_down").details == {
        "kind": "stop",
        "count": 2,
    }
    with pytest.raises(Refused) as refused:
        services.cards_put_down(session=meeting, kind="speak", by=staff)
    assert refused.value.kind == Refusal.BAD_CHOICE


# ---- what screens are told ----


def test_snapshots_say_how_many_never_who(meeting, staff, ali, sam, jo):
    hand = _raise(ali).card
    _raise(sam, Card.Kind.STOP, phrase="tokenism")
    _raise(jo, Card.Kind.QUIET)
    _raise(jo, Card.Kind.BREAK)
    staff_view = selectors.snapshot(meeting, selectors.STAFF)
    phone_view = selectors.snapshot(meeting, selectors.PHONE)
    assert staff_view["cards"]["queue"] == [hand.pk]
    assert staff_view["cards"]["up"] == {"stop": 1, "quiet": 1, "break": 1}
    assert staff_view["cards"]["policy"] == "fair"
    assert staff_view["cards"]["meeting"] is True
    assert phone_view["cards"]["queue"] == [hand.pk]
    assert "up" not in phone_view["cards"]
    for view in (staff_view, phone_view):
        text = json.dumps(view)
        assert "Ali" not in text
        assert "Sam" not in text
        assert "tokenism" not in text


def test_a_session_without_cards_has_none_in_its_snapshot(running):
    assert "cards" not in selectors.snapshot(running, selectors.STAFF)


def test_the_facilitators_view_names_stop_only_if_allowed(meeting, staff, ali, sam, jo):
    _raise(ali, Card.Kind.STOP, phrase="co-production")
    _raise(sam, Card.Kind.QUIET)
    hidden = selectors.queue_now(meeting, stop_names=False)
    assert [(s.phrase, s.name) for s in hidden.stops] == [("co-production", "")]
    assert hidden.quiet == ["Sam"]  # who doesn't want to speak: the facilitator must know
    shown = selectors.queue_now(meeting, stop_names=True)
    assert [(s.phrase, s.name) for s in shown.stops] == [("co-production", "Ali")]
    assert [(p.name, p.quiet) for p in shown.people] == [
        ("Ali", False),
        ("Sam", True),
        ("Phone 3", False),
    ]


def test_turns_and_time_spoken_per_person(meeting, staff, ali, sam):
    for seconds in (30, 50):
        card = _raise(ali).card
        services.queue_control(session=meeting, action="call", by=staff)
        Card.objects.filter(pk=card.pk).update(
            called_at=timezone.now() - timedelta(seconds=seconds)
        )
        services.queue_control(session=meeting, action="done", by=staff)
    _raise(sam)
    view = selectors.queue_now(meeting)
    ali_row = next(p for p in view.people if p.name == "Ali")
    assert ali_row.turns == 2
    assert 80 <= ali_row.seconds < 85
    assert [(w.name, w.first_time) for w in view.waiting] == [("Sam", True)]


def test_the_queue_view_takes_a_fixed_number_of_queries(
    meeting, staff, django_assert_max_num_queries
):
    for number in range(20):
        phone = _phone(meeting, 10 + number)
        _raise(phone)
        _raise(phone, Card.Kind.STOP)
    session = LiveSession.objects.get(pk=meeting.pk)
    with django_assert_max_num_queries(5):
        view = selectors.queue_now(session, stop_names=True)
    assert len(view.waiting) == 20
    assert len(view.stops) == 20


# ---- what a press tells the phone (decision 0093) ----


@pytest.mark.parametrize("policy", ["fair", "first"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_press_tells_the_phone_its_place_as_the_queue_orders_it(
    organisation, staff, policy, seed
):
    """Whatever raises, lowers, calls, moves and sorts came before, the place a press
    reports (counted in SQL) is the hand's place in the queue's own order."""
    rng = random.Random(seed)
    settings = SessionSettings(kind=LiveSession.Kind.MEETING, queue_policy=policy)
    session = services.session_create(
        organisation=organisation, title="Places", settings=settings, by=staff
    )
    services.session_control(session=session, action="start", by=staff)
    phones = [_phone(session, number) for number in range(1, 7)]
    for _step in range(60):
        phone = rng.choice(phones)
        hand = Card.objects.filter(participant=phone, kind="speak", state="up").first()
        event = rng.choice(["raise", "raise", "lower", "quiet", "call", "done", "move", "sort"])
        if event in ("raise", "quiet"):
            kind = Card.Kind.SPEAK if event == "raise" else Card.Kind.QUIET
            shown = _raise(phone, kind).cards
        elif event == "lower" and hand is not None:
            shown = services.card_lower(participant=phone, card=hand).cards
        elif event == "move" and hand is not None:
            up = rng.random() < 0.5
            services.queue_control(
                session=session, action="up" if up else "down", card=hand, by=staff
            )
            continue
        elif event in ("call", "done", "sort"):
            services.queue_control(session=session, action=event, by=staff)
            continue
        else:
            continue
        order = _order(session)
        mine = shown.mine.get(Card.Kind.SPEAK)
        if mine is not None and mine.state == Card.State.UP:
            assert shown.place == order.index(phone.pk) + 1
        else:
            assert shown.place == 0
            assert phone.pk not in order


def test_a_hand_raised_after_the_order_by_hand_was_left_set_follows_the_policy(
    meeting, staff, ali, sam, jo
):
    # Two hands lowered side by side (PostgreSQL) may both leave the order by hand set.
    _raise(ali)
    LiveSession.objects.filter(pk=meeting.pk).update(queue_by_hand=True)
    services.card_lower(participant=ali, card=Card.objects.get(participant=ali))
    LiveSession.objects.filter(pk=meeting.pk).update(queue_by_hand=True)
    first = _raise(sam)
    assert first.cards.place == 1
    meeting.refresh_from_db()
    assert not meeting.queue_by_hand
    _raise(jo)
    assert _order(meeting) == [sam.pk, jo.pk]
