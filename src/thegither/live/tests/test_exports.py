"""Exports of a session's results: CSV and XLSX, counts and shown answers, nobody identified."""

import csv
import io
import uuid

import openpyxl
import pytest
from django.urls import reverse

from thegither.live import exports, services
from thegither.live.models import Participant


def _answer(participant, activity, value):
    services.answer_submit(
        participant=participant, activity=activity, client_id=uuid.uuid4(), value=value
    )


def _next_open(session, staff):
    services.session_control(session=session, action="next", by=staff)
    services.session_control(session=session, action="open", by=staff)
    session.refresh_from_db()
    return session.current_activity


@pytest.fixture
def workshop(running, staff):
    """A session with answers to a yes/no, a ranking, a word cloud and held and shown texts."""
    services.activity_add(
        session=running,
        kind="ranking",
        prompt="Most important?",
        options=["Fun", "=Fair"],
        by=staff,
    )
    services.activity_add(session=running, kind="word-cloud", prompt="One word", by=staff)
    services.activity_add(session=running, kind="open-text", prompt="What would help?", by=staff)
    phones = [
        services.session_join(
            session=running, token=f"export-phone-token-{n:04d}", nickname=f"Nick{n}"
        ).participant
        for n in range(3)
    ]
    yes_no = running.current_activity
    _answer(phones[0], yes_no, {"choice": "yes"})
    _answer(phones[1], yes_no, {"choice": "yes"})
    _answer(phones[2], yes_no, {"choice": "no"})
    ranking = _next_open(running, staff)
    _answer(phones[0], ranking, {"order": [1, 0]})
    _answer(phones[1], ranking, {"order": [1, 0]})
    words = _next_open(running, staff)
    _answer(phones[0], words, {"words": ["Together"]})
    _answer(phones[1], words, {"words": ["together", "-dash"]})
    texts = _next_open(running, staff)
    _answer(phones[0], texts, {"text": "More snacks please"})
    _answer(phones[1], texts, {"text": "A secret nobody approved"})
    _answer(phones[2], texts, {"text": "@SUM(1+1) sneaky"})
    for answer in texts.answers.all():
        if "secret" not in answer.value["text"]:
            services.answer_review(answer=answer, shown=True, by=staff)
    return running


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


def test_the_csv_has_a_row_per_answer_with_its_count(client, staff, workshop):
    client.force_login(staff)
    response = client.get(reverse("live:results-csv", args=[workshop.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="test-workshop-results.csv"'
    rows = _csv_rows(response)
    assert rows[0] == exports.headers()
    by_answer = {(row[1], row[3]): row for row in rows[1:]}
    assert by_answer[("Is it fair?", "Yes")][4] == "2"
    assert by_answer[("Is it fair?", "No")][4] == "1"
    assert by_answer[("Is it fair?", "Not sure")][4] == "0"
    assert by_answer[("Is it fair?", "Yes")][6] == "3"  # phones that answered
    # Ranking: Borda points, top place scores most.
    assert by_answer[("Most important?", "'=Fair")][4] == "2"
    assert by_answer[("Most important?", "Fun")][4] == "0"
    assert by_answer[("One word", "together")][4] == "2"
    assert by_answer[("What would help?", "More snacks please")][4] == "0"


def test_written_answers_appear_only_once_shown(client, staff, workshop):
    client.force_login(staff)
    rows = _csv_rows(client.get(reverse("live:results-csv", args=[workshop.pk])))
    texts = [row[3] for row in rows if row[1] == "What would help?"]
    assert "More snacks please" in texts
    assert not any("secret" in text for text in texts)


def test_csv_cells_that_look_like_formulas_are_escaped(client, staff, workshop):
    client.force_login(staff)
    rows = _csv_rows(client.get(reverse("live:results-csv", args=[workshop.pk])))
    cells = [cell for row in rows for cell in row]
    assert "'@SUM(1+1) sneaky" in cells
    assert not any(cell[:1] in "=+-@" and cell for cell in cells)
    assert "'-dash" in cells  # a word-cloud word


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"])
def test_cell_safe_quotes_every_formula_start(text):
    assert exports.cell_safe(text) == "'" + text
    assert exports.cell_safe("Fine " + text) == "Fine " + text
    assert exports.cell_safe(3) == 3


def test_the_xlsx_has_the_same_rows_as_text_never_formulas(client, staff, workshop):
    client.force_login(staff)
    response = client.get(reverse("live:results-xlsx", args=[workshop.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="test-workshop-results.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == exports.headers()
    assert rows[1:] == exports.rows(workshop)
    formula_cells = [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    assert formula_cells == []
    # In the workbook the text is kept as typed: it is a text cell, so nothing runs it.
    assert [row[3] for row in rows].count("@SUM(1+1) sneaky") == 1


def test_no_file_names_a_phone_or_carries_a_token(client, staff, workshop):
    client.force_login(staff)
    csv_body = client.get(reverse("live:results-csv", args=[workshop.pk])).content
    xlsx = client.get(reverse("live:results-xlsx", args=[workshop.pk])).content
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    xlsx_text = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row)
    for participant in Participant.objects.filter(session=workshop):
        for secret in (participant.nickname, participant.token_hash):
            assert secret.encode() not in csv_body
            assert secret not in xlsx_text
    assert b"export-phone-token" not in csv_body
    assert "export-phone-token" not in xlsx_text


def test_a_removed_phone_no_longer_counts(client, staff, workshop):
    phone = Participant.objects.filter(session=workshop).order_by("pk").last()  # said "no"
    services.participant_remove(participant=phone, by=staff)
    rows = {(row[1], row[3]): row for row in exports.rows(workshop)}
    assert rows[("Is it fair?", "No")][4] == 0
    assert rows[("Is it fair?", "Yes")][6] == 2


def test_the_file_name_is_safe_whatever_the_title(session):
    session.title = '../"Évènement" <script>\r\n'
    assert exports.file_name(session, "csv") == "evenement-script-results.csv"
    session.title = "***"
    assert exports.file_name(session, "xlsx") == "session-results.xlsx"


def test_an_empty_session_exports_just_the_headers(client, staff, session):
    client.force_login(staff)
    rows = _csv_rows(client.get(reverse("live:results-csv", args=[session.pk])))
    assert rows == [exports.headers()]


def test_only_the_sessions_staff_may_download_its_results(client, outsider, panel_member, workshop):
    for person in (outsider, panel_member):
        client.force_login(person)
        for name in ("live:results-csv", "live:results-xlsx"):
            assert client.get(reverse(name, args=[workshop.pk])).status_code == 403
    client.logout()
    response = client.get(reverse("live:results-csv", args=[workshop.pk]))
    assert response.status_code == 302


def test_the_console_links_to_both_downloads(client, staff, workshop):
    client.force_login(staff)
    page = client.get(reverse("live:console", args=[workshop.pk])).content.decode()
    assert reverse("live:results-csv", args=[workshop.pk]) in page
    assert reverse("live:results-xlsx", args=[workshop.pk]) in page
