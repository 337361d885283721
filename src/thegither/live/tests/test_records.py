"""The meeting's record (CSV and PDF): turns, Stop words, breaks, plans, votes; no phone named."""

import csv
import io
import sys
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from thegither.grants.tests import pdf_reading
from thegither.live import records, services
from thegither.live.models import Card, LiveSession, Participant, Team
from thegither.live.services import FiverAction, SessionSettings


def _phone(session, number, nickname=""):
    return services.session_join(
        session=session, token=f"record-phone-{session.pk}-{number:02d}-abcdef", nickname=nickname
    ).participant


def _turn(session, staff, participant, seconds):
    card = services.card_raise(participant=participant, kind="speak", client_id=uuid.uuid4()).card
    services.queue_control(session=session, action="call", by=staff)
    Card.objects.filter(pk=card.pk).update(called_at=timezone.now() - timedelta(seconds=seconds))
    services.queue_control(session=session, action="done", by=staff)


@pytest.fixture
def met(organisation, staff):
    """A meeting where Kim spoke twice, Ali once, Jo never; Stop cards, a break, a removed phone."""
    session = services.session_create(
        organisation=organisation,
        title="=Tuesday planning",
        settings=SessionSettings(kind=LiveSession.Kind.MEETING),
        by=staff,
    )
    services.session_control(session=session, action="start", by=staff)
    session.refresh_from_db()
    kim, ali, jo = _phone(session, 1, "Kim"), _phone(session, 2, "Ali"), _phone(session, 3)
    gone = _phone(session, 4, "Gone")
    _turn(session, staff, kim, 60)
    _turn(session, staff, ali, 30)
    _turn(session, staff, kim, 15)
    _turn(session, staff, gone, 99)
    for participant, phrase in ((ali, "co-production"), (jo, "Co production"), (kim, "")):
        services.card_raise(
            participant=participant, kind="stop", client_id=uuid.uuid4(), phrase=phrase
        )
    services.card_raise(participant=gone, kind="stop", client_id=uuid.uuid4(), phrase="quorum")
    services.card_raise(participant=jo, kind="break", client_id=uuid.uuid4())
    services.participant_remove(participant=gone, by=staff)
    return session


def _csv(session) -> list[list[str]]:
    text = records.as_csv(session).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_record_counts_turns_time_stop_words_and_breaks(met):
    record = records.record_of(met)
    assert record.phones == 3
    assert [(s.name, s.turns, s.seconds) for s in record.speakers] == [
        ("Person 1", 2, 75),
        ("Person 2", 1, 30),
        ("Person 3", 0, 0),
    ]
    assert (record.turns, record.seconds, record.spoke) == (3, 105, 2)
    assert record.stops == 3  # the removed phone's Stop is left out
    assert [(line.words, line.count) for line in record.stop_words] == [("co-production", 2)]
    assert record.stops_without_words == 1
    assert len(record.breaks) == 1


def test_nicknames_go_in_the_record_only_when_the_session_says(met, staff):
    services.session_change(
        session=met,
        title=met.title,
        settings=SessionSettings(kind="meeting", record_names=True),
        by=staff,
    )
    met.refresh_from_db()
    names = [speaker.name for speaker in records.record_of(met).speakers]
    assert names == ["Kim", "Ali", "Person 3"]


def test_the_csv_has_every_part_and_nothing_that_names_a_phone(met):
    rows = _csv(met)
    assert rows[0] == ["Part", "What", "More", "How many", "Seconds", "Pence"]
    # A title starting like a formula can't run in a spreadsheet.
    assert rows[1][:2] == ["Session", "'=Tuesday planning"]
    assert ["Speaking", "Person 1", "", "2", "75", ""] in rows
    assert ["Stop", "co-production", "", "2", "", ""] in rows
    assert ["Stop", "(no words given)", "", "1", "", ""] in rows
    assert [row[0] for row in rows].count("Breaks") == 1
    text = "\n".join(",".join(row) for row in rows)
    for participant in Participant.objects.filter(session=met):
        assert participant.token_hash not in text
        assert participant.nickname == "" or participant.nickname not in text
    assert "quorum" not in text


def test_a_bid_for_a_fivers_plans_and_votes_are_in_the_record(organisation, staff):
    session = services.session_create(
        organisation=organisation,
        title="Fiver",
        settings=SessionSettings(kind=LiveSession.Kind.FIVER),
        by=staff,
    )
    kestrels = services.team_add(session=session, name="Kestrels", by=staff)
    otters = services.team_add(session=session, name="Otters", by=staff)
    services.session_control(session=session, action="start", by=staff)
    kim, jo = _phone(session, 1, "Kim"), _phone(session, 2, "Jo")
    services.team_join(participant=kim, code=kestrels.code)
    services.team_join(participant=jo, code=otters.code)
    services.fiver_control(session=session, action=FiverAction.START, by=staff)
    services.plan_change(
        participant=kim, title="@Litter pick", doing="Clean the park", for_whom="Everyone"
    )
    services.plan_item_add(participant=kim, what="Bin bags", cost_pence=150, client_id=uuid.uuid4())
    services.plan_item_add(participant=jo, what="Chalk", cost_pence=300, client_id=uuid.uuid4())
    services.fiver_control(session=session, action=FiverAction.STOP, by=staff)
    services.fiver_control(session=session, action=FiverAction.VOTE, by=staff)
    session.refresh_from_db()
    for participant in (kim, jo):
        services.answer_submit(
            participant=participant,
            activity=session.current_activity,
            client_id=uuid.uuid4(),
            value={"choices": [1]},
        )
    services.fiver_control(session=session, action=FiverAction.WINNER, by=staff)
    rows = _csv(session)
    assert ["Plan", "Kestrels", "'@Litter pick", "1", "", "150"] in rows
    assert ["What they will do", "Kestrels", "Clean the park", "", "", ""] in rows
    assert ["Item", "Kestrels", "Bin bags", "", "", "150"] in rows
    assert ["Item", "Otters", "Chalk", "", "", "300"] in rows
    assert ["Votes", "Kestrels", "'@Litter pick", "0", "", ""] in rows
    assert ["Winner", "Otters", "", "2", "", ""] in rows
    words = pdf_reading.text(records.as_pdf(session))
    assert "Bid for a Fiver" in words
    assert "Bin bags" in words
    assert "the winner" in words
    assert Team.objects.filter(fiver__session=session).count() == 2


def test_the_pdf_is_a_tagged_record_in_plain_words(met):
    pdf = records.as_pdf(met)
    assert pdf.startswith(b"%PDF-")
    inside = pdf_reading.everything(pdf)
    assert b"/StructTreeRoot" in inside
    words = pdf_reading.text(pdf)
    assert "Meeting record: =Tuesday planning" in words
    assert "Who spoke" in words
    assert "Person 1" in words
    assert "co-production" in words
    assert "Kim" not in words


def test_the_facilitator_downloads_the_record(client, staff, met):
    client.force_login(staff)
    csv_file = client.get(reverse("live:record-csv", args=[met.pk]))
    assert csv_file.status_code == 200
    assert csv_file["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_file["Content-Disposition"] == 'attachment; filename="tuesday-planning-record.csv"'
    pdf = client.get(reverse("live:record-pdf", args=[met.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    console = client.get(reverse("live:console", args=[met.pk]))
    assert "Download the record (PDF)" in console.text
    assert "Speakers are Person 1, Person 2 and so on." in console.text


def test_without_pango_the_record_page_says_what_to_install(client, staff, met, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    client.force_login(staff)
    page = client.get(reverse("live:record-pdf", args=[met.pk]))
    assert page.status_code == 503
    assert "libpango-1.0-0 libpangoft2-1.0-0" in page.text
    assert reverse("live:record-csv", args=[met.pk]) in page.text


def test_others_cannot_download_the_record(client, outsider, panel_member, met):
    for person in (outsider, panel_member, None):
        if person is None:
            client = Client()
        else:
            client.force_login(person)
        for name in ("live:record-csv", "live:record-pdf"):
            assert client.get(reverse(name, args=[met.pk])).status_code in (302, 403)


def test_the_record_runs_a_fixed_number_of_queries(met, django_assert_max_num_queries):
    for number in range(10, 20):
        _phone(met, number)
    with django_assert_max_num_queries(6):
        records.record_of(met)
