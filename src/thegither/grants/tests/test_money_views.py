"""Money pages: the group accepts or gives back; staff pay, cancel, lapse and move; the panel
re-offers; finance downloads the tables."""

import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from thegither.accounts.models import Role
from thegither.accounts.tests import factories
from thegither.grants import ledger, services
from thegither.grants.models import Application, AwardStatus, Payment, PotTransfer
from thegither.grants.tests.money_helpers import accept, decided_make, overdue, pay


def _url(name, *args):
    return reverse(f"grants:{name}", args=args)


@pytest.fixture
def decided(organisation):
    return decided_make(organisation, partial=True, other_pot_pence=150_000)


# The round's rule: how long groups have to accept.


def test_staff_set_how_long_groups_have_to_accept_with_the_other_rules(client, organisation):
    from thegither.grants.tests.deciding_helpers import deciding_make

    deciding = deciding_make(organisation)
    client.force_login(deciding.staff)
    url = _url("decision-rules", deciding.round.pk)
    assert 'name="accept_within_days" value="28"' in client.get(url).text
    rules = {"decision_method": "approval", "allocation_rule": "mes", "quorum_percent": "50"}
    refused = client.post(url, rules | {"accept_within_days": "400"})
    assert refused.status_code == 400
    assert "Give a number of days from 1 to 365." in refused.text
    assert client.post(url, rules | {"accept_within_days": "14"}).status_code == 302
    deciding.round.refresh_from_db()
    assert deciding.round.accept_within_days == 14


# The group.


def test_the_group_sees_its_award_and_accepts_it_with_both_ticks(client, decided):
    client.force_login(decided.contact)
    award = decided.award(1)
    page = client.get(_url("application-detail", award.application_id)).text
    assert "Part of the money, with a condition: £800" in page
    assert "Please accept it by" in page
    assert _url("award-accept", award.pk) in page
    form = client.get(_url("award-accept", award.pk)).text
    assert f"Our bank details are with {decided.round.organisation.name} staff" in form
    assert "We agree to the condition: Spend it on the coaches only." in form
    response = client.post(
        _url("award-accept", award.pk),
        {"bank_details_with_staff": "on", "agrees_to_condition": "on"},
    )
    assert response.status_code == 302
    assert decided.award(1).is_accepted
    page = client.get(_url("application-detail", award.application_id)).text
    assert "Accepted on" in page
    assert "Paid so far: £0 of £800." in page
    # A second press of the button (or the link again) just goes back to the application.
    again = client.post(_url("award-accept", award.pk), {"bank_details_with_staff": "on"})
    assert again.status_code == 302


def test_accepting_without_the_ticks_says_what_is_missing(client, decided):
    client.force_login(decided.contact)
    award = decided.award(1)
    response = client.post(_url("award-accept", award.pk), {})
    assert response.status_code == 400
    assert "Never type them in here." in response.text
    assert "agrees to the condition" in response.text
    assert not decided.award(1).is_accepted


def test_a_full_award_asks_only_about_the_bank_details(client, decided):
    client.force_login(decided.contact)
    form = client.get(_url("award-accept", decided.awards[0].pk)).text
    assert "bank_details_with_staff" in form
    assert "agrees_to_condition" not in form


def test_another_group_and_staff_cannot_accept(client, decided, organisation):
    for person in (factories.member_make(organisation, Role.APPLICANT_CONTACT), decided.staff):
        client.force_login(person)
        assert client.get(_url("award-accept", decided.awards[0].pk)).status_code == 403


def test_the_group_gives_an_award_back_with_a_reason(client, decided):
    client.force_login(decided.contact)
    award = decided.award(0)
    assert (
        "Give the award back" in client.get(_url("application-detail", award.application_id)).text
    )
    refused = client.post(_url("award-withdraw", award.pk), {"reason": ""})
    assert refused.status_code == 400
    assert "Say why" in refused.text
    response = client.post(_url("award-withdraw", award.pk), {"reason": "The hall closed."})
    assert response.status_code == 302
    assert decided.award(0).status == AwardStatus.WITHDRAWN
    page = client.get(_url("application-detail", award.application_id)).text
    assert "The group gave back the £1,000 award" in page
    assert "Why: The hall closed." in page
    assert client.post(_url("award-withdraw", award.pk), {"reason": "x"}).status_code == 302


# Staff.


def test_staff_see_the_rounds_money_and_a_link_from_the_round(client, decided):
    client.force_login(decided.staff)
    assert _url("money", decided.round.pk) in client.get(_url("round-setup", decided.round.pk)).text
    page = client.get(_url("money", decided.round.pk)).text
    assert "Left in the pot" in page
    assert "£200" in page  # £2,000 less £1,000 and £800
    assert decided.award(0).application.group_name in page
    assert _url("finance-xlsx", decided.round.pk) in page


def test_the_money_page_runs_the_same_queries_for_more_awards(client, organisation):
    small = decided_make(organisation)
    client.force_login(small.staff)

    def count(decided):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url("money", decided.round.pk)).status_code == 200
        return len(queries)

    few = count(small)
    accept(small, 0)
    pay(small, 0, 1_000)
    pay(small, 0, 2_000)
    accept(small, 1)
    assert count(small) == few


def test_staff_record_a_payment_and_an_overpayment_is_refused_keeping_what_was_typed(
    client, decided
):
    accept(decided, 0)
    client.force_login(decided.staff)
    url = _url("award-payments", decided.awards[0].pk)
    page = client.get(url)
    key = page.context["form"]["entry_key"].value()
    today = timezone.localdate().isoformat()
    response = client.post(
        url, {"entry_key": key, "paid_on": today, "amount": "600", "reference": "BACS 0042"}
    )
    assert response.status_code == 302
    assert Payment.objects.get().amount_pence == 60_000
    # The same form sent again (a double click) records nothing more.
    client.post(url, {"entry_key": key, "paid_on": today, "amount": "600", "reference": "BACS"})
    assert Payment.objects.count() == 1
    fresh = client.get(url).context["form"]["entry_key"].value()
    refused = client.post(
        url, {"entry_key": fresh, "paid_on": today, "amount": "400.01", "reference": "BACS 43"}
    )
    assert refused.status_code == 400
    assert "Only £400 of the £1,000 award is left to pay, so £400.01 is too much." in refused.text
    assert 'value="400.01"' in refused.text
    assert 'value="BACS 43"' in refused.text
    assert "Still to pay" in refused.text


def test_an_award_not_accepted_shows_why_it_cant_be_paid(client, decided):
    client.force_login(decided.staff)
    url = _url("award-payments", decided.awards[0].pk)
    page = client.get(url)
    assert page.context["form"] is None
    assert "accepted the award yet, so it can" in page.text
    assert client.post(url, {"amount": "1"}).status_code == 403


def test_staff_cancel_a_payment_with_a_reason(client, decided):
    accept(decided, 0)
    payment = pay(decided, 0, 1_000)
    client.force_login(decided.staff)
    assert "Cancel it" in client.get(_url("award-payments", decided.awards[0].pk)).text
    refused = client.post(_url("payment-cancel", payment.pk), {"reason": ""})
    assert refused.status_code == 400
    response = client.post(_url("payment-cancel", payment.pk), {"reason": "Wrong amount."})
    assert response.status_code == 302
    page = client.get(_url("award-payments", decided.awards[0].pk)).text
    assert "No: cancelled. Why: Wrong amount." in page
    assert client.get(_url("payment-cancel", payment.pk)).status_code == 302


def test_staff_lapse_an_overdue_award_from_its_page(client, decided):
    overdue(decided.award(0))
    client.force_login(decided.staff)
    url = _url("award-payments", decided.awards[0].pk)
    assert "Mark it as lapsed" in client.get(url).text
    assert client.post(_url("award-lapse", decided.awards[0].pk)).status_code == 302
    assert decided.award(0).status == AwardStatus.LAPSED
    assert client.post(_url("award-lapse", decided.awards[0].pk)).status_code == 302


def test_an_award_with_time_left_cannot_be_lapsed(client, decided):
    client.force_login(decided.staff)
    assert "Mark it as lapsed" not in client.get(_url("award-payments", decided.awards[0].pk)).text
    assert client.post(_url("award-lapse", decided.awards[0].pk)).status_code == 403


def test_staff_move_money_between_pots_and_too_much_is_refused(client, decided):
    client.force_login(decided.staff)
    url = _url("pot-transfer", decided.round.pk)
    key = client.get(url).context["form"]["entry_key"].value()
    data = {
        "entry_key": key,
        "from_pot": decided.other_pot.pk,
        "to_pot": decided.pot.pk,
        "amount": "1500.01",
        "reason": "North West has a waiting list.",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "has only £1,500 left" in refused.text
    assert client.post(url, data | {"amount": "1000"}).status_code == 302
    assert PotTransfer.objects.get().amount_pence == 100_000
    page = client.get(_url("money", decided.round.pk)).text
    assert "Moved in from other areas" in page
    assert "North West has a waiting list." in page
    same = client.post(url, data | {"to_pot": decided.other_pot.pk})
    assert same.status_code == 400
    assert "another area's pot" in same.text


def test_staff_of_another_organisation_see_none_of_the_money(client, decided):
    client.force_login(factories.member_make(factories.organisation_make(), Role.STAFF))
    for url in (
        _url("money", decided.round.pk),
        _url("award-payments", decided.awards[0].pk),
        _url("pot-transfer", decided.round.pk),
        _url("finance-xlsx", decided.round.pk),
        _url("finance-csv", decided.round.pk, "awards"),
        _url("reoffer", decided.pot.pk),
    ):
        assert client.get(url).status_code == 403, url


# The panel re-offers.


def test_the_chair_re_offers_money_given_back_from_the_meeting_page(client, decided):
    services.award_withdraw(award=decided.award(0), reason="Closed.", by=decided.contact)
    client.force_login(decided.chair)
    meeting = client.get(_url("meeting", decided.round.pk)).text
    assert _url("reoffer", decided.pot.pk) in meeting
    page = client.get(_url("reoffer", decided.pot.pk))
    assert "This pot has £1,200 that no award is using" in page.text
    assert "Funded." in page.text
    response = client.post(_url("reoffer", decided.pot.pk), {"funded": [decided.awards[2].pk]})
    assert response.status_code == 302
    assert decided.award(2).status == AwardStatus.AWARDED
    page = client.get(_url("reoffer", decided.pot.pk)).text
    assert "Offered again before" in page


def test_a_re_offer_that_changed_is_refused_with_a_message(client, decided):
    services.award_withdraw(award=decided.award(0), reason="Closed.", by=decided.contact)
    client.force_login(decided.staff)
    response = client.post(
        _url("reoffer", decided.pot.pk), {"funded": [decided.awards[2].pk, 999_999]}, follow=True
    )
    assert "Something changed since you looked" in response.text
    assert decided.award(2).status == AwardStatus.DECLINED


def test_a_panel_member_who_is_not_the_chair_cannot_re_offer(client, decided):
    client.force_login(decided.deciding.members[1])
    assert client.get(_url("reoffer", decided.pot.pk)).status_code == 403


# Finance exports.


def _csv(client, decided, table):
    response = client.get(_url("finance-csv", decided.round.pk, table))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_finance_tables_show_awards_payments_and_balances(client, decided):
    accept(decided, 0)
    pay(decided, 0, 30_000, reference="BACS 1")
    cancelled = pay(decided, 0, 5_000, reference="BACS 2")
    services.payment_cancel(payment=cancelled, reason="Wrong amount.", by=decided.staff)
    services.pot_transfer(
        from_pot=decided.other_pot,
        to_pot=decided.pot,
        entry_key=__import__("uuid").uuid4(),
        amount_pence=50_000,
        reason="Waiting list.",
        by=decided.staff,
    )
    client.force_login(decided.staff)
    awards = _csv(client, decided, "awards")
    assert awards[0][:5] == ["Application number", "Group", "Area", "Status", "Amount"]
    first = decided.award(0).application
    row = next(r for r in awards if r[1] == first.group_name)
    assert row[2:5] == ["North West", "Awarded", "1000.00"]
    assert row[8:] == ["300.00", "700.00"]
    partial = next(r for r in awards if r[3] == "Part of the money, with a condition")
    assert partial[5] == "Spend it on the coaches only."
    payments = _csv(client, decided, "payments")
    assert [r[4:8] for r in payments[1:]] == [
        ["300.00", "BACS 1", "No", ""],
        ["50.00", "BACS 2", "Yes", "Wrong amount."],
    ]
    balances = _csv(client, decided, "balances")
    assert balances[1:] == [
        ["North East", "1500.00", "0.00", "500.00", "1000.00", "0.00", "0.00", "1000.00"],
        ["North West", "2000.00", "500.00", "0.00", "2500.00", "1800.00", "300.00", "700.00"],
    ]


def test_the_workbook_has_the_same_numbers_and_no_formulas_or_personal_data(client, decided):
    accept(decided, 0)
    pay(decided, 0, 12_345, reference='=HYPERLINK("http://x")')
    Application.objects.filter(pk=decided.award(0).application_id).update(group_name="@SUM(1+1)")
    client.force_login(decided.staff)
    response = client.get(_url("finance-xlsx", decided.round.pk))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Awards", "Payments", "Balances per pot"]
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert [c for c in cells if c.data_type == "f"] == []
    values = [c.value for c in cells]
    assert "@SUM(1+1)" in values
    assert '=HYPERLINK("http://x")' in values
    payment = next(
        r for r in book["Payments"].iter_rows(values_only=True) if r[5] and "HYPER" in r[5]
    )
    assert round(payment[4] * 100) == 12_345
    contact = decided.contact
    for text in (contact.email, contact.display_name, contact.username, decided.staff.username):
        assert not any(isinstance(v, str) and text in v for v in values)
    # In the CSV, the same text gets a quote first so a spreadsheet shows it instead of running it.
    rows = _csv(client, decided, "payments")
    assert rows[1][1] == "'@SUM(1+1)"
    assert rows[1][5] == '\'=HYPERLINK("http://x")'


def test_an_unknown_table_is_not_found(client, decided):
    client.force_login(decided.staff)
    assert client.get(_url("finance-csv", decided.round.pk, "people")).status_code == 404


def test_money_pages_wait_for_the_final_decision(client, organisation):
    from thegither.grants.tests.deciding_helpers import deciding_make

    deciding = deciding_make(organisation)
    client.force_login(deciding.staff)
    assert client.get(_url("money", deciding.round.pk)).status_code == 403
    assert ledger.final_meeting(deciding.round) is None
