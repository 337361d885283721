"""The jargon glossary: Stop cards' words collected per organisation, meanings, who sees what."""

import uuid

import pytest

from thegither.accounts.tests import factories
from thegither.core.models import AuditEvent
from thegither.core.refusals import Refusal, Refused
from thegither.live import selectors, services
from thegither.live.models import Card, GlossaryWord, LiveSession
from thegither.live.services import SessionSettings
from thegither.live.tests.publishes import capture_publishes

MEETING = SessionSettings(kind=LiveSession.Kind.MEETING)


def _meeting(organisation, staff, title="Planning meeting"):
    session = services.session_create(
        organisation=organisation, title=title, settings=MEETING, by=staff
    )
    services.session_control(session=session, action="start", by=staff)
    session.refresh_from_db()
    return session


def _phone(session, number: int):
    return services.session_join(
        session=session, token=f"glossary-phone-{session.pk}-{number:02d}-abcdef"
    ).participant


def _stop(participant, phrase, client_id=None):
    return services.card_raise(
        participant=participant, kind="stop", client_id=client_id or uuid.uuid4(), phrase=phrase
    )


@pytest.fixture
def meeting(organisation, staff):
    return _meeting(organisation, staff)


def test_stop_words_are_collected_per_organisation_with_counts(meeting, organisation, staff):
    second = _meeting(organisation, staff, "Another meeting")
    _stop(_phone(meeting, 1), "Co-Production")
    _stop(_phone(meeting, 2), "co production")
    _stop(_phone(second, 3), "coproductions")
    _stop(_phone(second, 4), "stakeholders")
    words = {word.key: word for word in GlossaryWord.objects.filter(organisation=organisation)}
    assert set(words) == {"coproduction", "stakeholder"}
    assert words["coproduction"].flagged == 3
    # People see the words as first typed (tidied), never the key.
    assert words["coproduction"].words == "Co-Production"
    assert words["stakeholder"].flagged == 1
    assert Card.objects.filter(word=words["coproduction"]).count() == 3


def test_another_organisation_has_its_own_glossary(meeting, organisation):
    other = factories.organisation_make()
    other_staff = factories.member_make(other, "staff")
    elsewhere = _meeting(other, other_staff)
    _stop(_phone(meeting, 1), "jargon")
    _stop(_phone(elsewhere, 2), "jargon")
    assert GlossaryWord.objects.get(organisation=organisation).flagged == 1
    assert GlossaryWord.objects.get(organisation=other).flagged == 1


def test_a_press_sent_twice_and_a_card_already_up_count_once(meeting):
    ali = _phone(meeting, 1)
    client_id = uuid.uuid4()
    _stop(ali, "theory of change", client_id)
    _stop(ali, "theory of change", client_id)
    _stop(ali, "theory of change")  # the card is up already: the same card comes back
    assert GlossaryWord.objects.get().flagged == 1


def test_words_the_filter_stops_never_reach_the_glossary(meeting):
    pressed = _stop(_phone(meeting, 1), "what the fuck")
    assert pressed.phrase_dropped
    assert pressed.card.word is None
    assert not GlossaryWord.objects.exists()


def test_a_stop_without_words_or_with_only_punctuation_has_no_entry(meeting):
    assert _stop(_phone(meeting, 1), "").card.word is None
    assert _stop(_phone(meeting, 2), "???").card.word is None
    assert not GlossaryWord.objects.exists()


def test_explaining_a_word_shows_it_to_phones_of_running_sessions(meeting, staff):
    _stop(_phone(meeting, 1), "co-production")
    word = GlossaryWord.objects.get()
    assert selectors.snapshot(meeting, selectors.PHONE)["cards"]["glossary"] == []
    with capture_publishes() as published:
        services.glossary_explain(
            word=word, meaning="  Planning and doing something together,  as equals. ", by=staff
        )
    assert len(published.to(services.phone_group(meeting.pk))) == 1
    word.refresh_from_db()
    assert word.meaning == "Planning and doing something together, as equals."
    assert word.explained_by == staff
    snapshot = selectors.snapshot(meeting, selectors.PHONE)
    assert snapshot["cards"]["glossary"] == [
        {
            "id": word.pk,
            "version": 1,
            "words": "co-production",
            "meaning": "Planning and doing something together, as equals.",
        }
    ]
    event = AuditEvent.objects.get(action="live.glossary_explain")
    assert event.details == {"word": word.pk, "old": "", "new": word.meaning}


def test_explaining_the_same_again_changes_nothing_and_tells_nobody(meeting, staff):
    _stop(_phone(meeting, 1), "jargon")
    word = GlossaryWord.objects.get()
    services.glossary_explain(word=word, meaning="Words only some people know.", by=staff)
    with capture_publishes() as published:
        services.glossary_explain(word=word, meaning="Words only some people know.", by=staff)
    assert len(published) == 0
    word.refresh_from_db()
    assert word.version == 1
    assert AuditEvent.objects.filter(action="live.glossary_explain").count() == 1


def test_an_ended_session_is_not_told(meeting, staff):
    _stop(_phone(meeting, 1), "jargon")
    services.session_control(session=meeting, action="end", by=staff)
    with capture_publishes() as published:
        services.glossary_explain(word=GlossaryWord.objects.get(), meaning="Hard words.", by=staff)
    assert len(published) == 0


def test_a_meaning_that_is_too_long_is_refused(meeting, staff):
    _stop(_phone(meeting, 1), "jargon")
    word = GlossaryWord.objects.get()
    with pytest.raises(Refused) as refused:
        services.glossary_explain(word=word, meaning="x" * 301, by=staff)
    assert refused.value.kind == Refusal.TOO_LONG
    word.refresh_from_db()
    assert word.meaning == ""


def test_only_the_organisations_staff_explain_hide_or_add(
    meeting, organisation, outsider, panel_member
):
    _stop(_phone(meeting, 1), "jargon")
    word = GlossaryWord.objects.get()
    attempts = (
        lambda person: services.glossary_explain(word=word, meaning="Mine.", by=person),
        lambda person: services.glossary_hide(word=word, hidden=True, by=person),
        lambda person: services.glossary_add(
            organisation=organisation, words_typed="x", meaning="y", by=person
        ),
    )
    for person in (outsider, panel_member):
        for attempt in attempts:
            with pytest.raises(Refused) as refused:
                attempt(person)
            assert refused.value.kind == Refusal.NOT_ALLOWED
    word.refresh_from_db()
    assert (word.meaning, word.hidden) == ("", False)
    assert GlossaryWord.objects.count() == 1


def test_staff_add_a_word_before_anyone_presses_stop(organisation, staff):
    word = services.glossary_add(
        organisation=organisation,
        words_typed=" Theory  of change ",
        meaning="How you think what you do will make things better.",
        by=staff,
    )
    assert (word.words, word.key, word.flagged) == ("Theory of change", "theoryofchange", 0)
    assert [w.pk for w in selectors.glossary_public(organisation)] == [word.pk]
    assert AuditEvent.objects.filter(action="live.glossary_add").count() == 1


def test_adding_a_flagged_word_gives_it_its_meaning_but_never_writes_over_one(
    meeting, organisation, staff
):
    _stop(_phone(meeting, 1), "stakeholders")
    word = services.glossary_add(
        organisation=organisation,
        words_typed="Stakeholder",
        meaning="People it matters to.",
        by=staff,
    )
    assert word.flagged == 1
    assert word.words == "stakeholders"  # as it was first typed
    with pytest.raises(Refused) as refused:
        services.glossary_add(
            organisation=organisation,
            words_typed="stake holder",
            meaning="Something else.",
            by=staff,
        )
    assert refused.value.kind == Refusal.TAKEN
    word.refresh_from_db()
    assert word.meaning == "People it matters to."


@pytest.mark.parametrize(
    ("typed", "meaning", "refusal"),
    [
        ("", "A meaning.", Refusal.INVALID),
        ("!!!", "A meaning.", Refusal.INVALID),
        ("x" * 61, "A meaning.", Refusal.TOO_LONG),
        ("word", "", Refusal.INVALID),
        ("word", "x" * 301, Refusal.TOO_LONG),
    ],
)
def test_adding_a_word_refuses_bad_input(organisation, staff, typed, meaning, refusal):
    with pytest.raises(Refused) as refused:
        services.glossary_add(
            organisation=organisation, words_typed=typed, meaning=meaning, by=staff
        )
    assert refused.value.kind == refusal
    assert not GlossaryWord.objects.exists()


def test_a_word_left_out_is_counted_but_shown_to_nobody(meeting, organisation, staff):
    _stop(_phone(meeting, 1), "Dave's idea")
    word = GlossaryWord.objects.get()
    services.glossary_explain(word=word, meaning="What Dave said.", by=staff)
    with capture_publishes() as published:
        services.glossary_hide(word=word, hidden=True, by=staff)
    assert len(published.to(services.phone_group(meeting.pk))) == 1
    assert selectors.glossary_public(organisation) == []
    assert selectors.explained_in(meeting.pk) == []
    assert selectors.snapshot(meeting, selectors.PHONE)["cards"]["glossary"] == []
    assert [w.pk for w in selectors.glossary_of(organisation)] == [word.pk]
    _stop(_phone(meeting, 2), "daves idea")
    word.refresh_from_db()
    assert word.flagged == 2
    # Safe to repeat; putting it back shows it again.
    services.glossary_hide(word=word, hidden=True, by=staff)
    assert AuditEvent.objects.filter(action="live.glossary_hide").count() == 1
    services.glossary_hide(word=word, hidden=False, by=staff)
    assert [w.pk for w in selectors.glossary_public(organisation)] == [word.pk]


def test_the_public_list_has_only_explained_words_a_to_z(meeting, organisation, staff):
    for number, phrase in enumerate(["outcomes", "agenda", "minutes"], 1):
        _stop(_phone(meeting, number), phrase)
    words = {word.words: word for word in GlossaryWord.objects.all()}
    services.glossary_explain(word=words["outcomes"], meaning="What changed.", by=staff)
    services.glossary_explain(
        word=words["agenda"], meaning="The list of things to talk about.", by=staff
    )
    assert [w.words for w in selectors.glossary_public(organisation)] == ["agenda", "outcomes"]
    assert [w.words for w in selectors.explained_in(meeting.pk)] == ["agenda", "outcomes"]
    # Staff see every word, the most flagged first.
    _stop(_phone(meeting, 9), "minutes")
    assert selectors.glossary_of(organisation)[0].words == "minutes"


def test_the_words_of_one_session_with_how_often_here(meeting, organisation, staff):
    second = _meeting(organisation, staff, "Another")
    _stop(_phone(meeting, 1), "agenda")
    _stop(_phone(meeting, 2), "agendas")
    _stop(_phone(second, 3), "agenda")
    _stop(_phone(second, 4), "minutes")
    here = selectors.session_words(meeting)
    assert [(word.words, word.here) for word in here] == [("agenda", 2)]
    assert here[0].flagged == 3


def test_the_glossary_lists_run_a_fixed_number_of_queries(
    meeting, organisation, staff, django_assert_max_num_queries
):
    for number in range(12):
        _stop(_phone(meeting, number), f"word{number}")
    for word in GlossaryWord.objects.all():
        services.glossary_explain(word=word, meaning="Means something.", by=staff)
    with django_assert_max_num_queries(1):
        assert len(selectors.glossary_of(organisation)) == 12
    with django_assert_max_num_queries(1):
        assert len(selectors.glossary_public(organisation)) == 12
    with django_assert_max_num_queries(1):
        assert len(selectors.session_words(meeting)) == 12
