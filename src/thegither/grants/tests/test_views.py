import re
import uuid

import pytest
from django.urls import reverse

from thegither.accounts.models import Area
from thegither.grants.models import Application, ApplicationStatus, Fund, Round, RoundPhase
from thegither.grants.tests.factories import SUMMARY, application_make, round_make

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return response.content.decode()


def start_key(html: str) -> str:
    return re.search(r'name="start_key" value="([^"]+)"', html).group(1)


def form_data(round, key, **changes):
    pot = round.pots.order_by("pk").first()
    data = {
        "start_key": key,
        "group_name": "Dunmore Street Gardeners",
        "group_about": "We grow food.",
        "pot": str(pot.pk),
        "activity": "A garden club.",
        "youth_leadership": "Young people choose what to grow.",
        "young_people_count": "12",
        "age_bands": ["13-15", "16-17"],
        "summary": SUMMARY,
        "amount": "600",
        "item_0": "Seeds",
        "cost_0": "£100",
        "item_1": "Tools",
        "cost_1": "500.00",
    }
    for question in round.questions.all():
        data[f"question_{question.pk}"] = "Yes."
    data.update(changes)
    return data


# Public pages


def test_anyone_sees_an_open_round_in_plain_words(client, open_round):
    response = client.get(reverse("grants:round-detail", args=[open_round.pk]))
    html = page(response)
    assert response.status_code == 200
    assert "North West: £15,000 to share. You can ask for £100 to £2,000." in html
    assert "Led by young people" in html
    assert "log in as your group" in html


def test_a_round_being_set_up_is_hidden_from_the_public(client, draft_round, applicant):
    assert client.get(reverse("grants:round-detail", args=[draft_round.pk])).status_code == 403
    client.force_login(applicant)
    assert client.get(reverse("grants:round-detail", args=[draft_round.pk])).status_code == 403


def test_the_open_rounds_list_runs_few_queries(client, organisation, django_assert_max_num_queries):
    for _ in range(5):
        round_make(organisation)
    round_make(organisation, phase=RoundPhase.DRAFT)
    with django_assert_max_num_queries(3):
        response = client.get(reverse("grants:round-list"))
    assert page(response).count('class="card"') == 5


def test_a_missing_round_is_not_found(client):
    assert client.get(reverse("grants:round-detail", args=[999_999])).status_code == 404


# Applying


def test_a_group_saves_a_draft_comes_back_and_sends_it(client, open_round, applicant):
    client.force_login(applicant)
    response = client.get(reverse("grants:application-create", args=[open_round.pk]))
    key = start_key(page(response))
    response = client.post(
        reverse("grants:application-create", args=[open_round.pk]),
        form_data(open_round, key, save="1", summary="Too short."),
    )
    application = Application.objects.get()
    assert response.url == reverse("grants:application-edit", args=[application.pk])
    # Coming back later: everything typed is there.
    html = page(client.get(response.url))
    assert "Dunmore Street Gardeners" in html
    assert 'value="100"' in html
    assert 'value="500"' in html
    # A double click on "Save" with the same form makes no second draft.
    client.post(
        reverse("grants:application-create", args=[open_round.pk]),
        form_data(open_round, key, save="1"),
    )
    assert Application.objects.count() == 1
    # Check your answers, then send (twice: a double click).
    check = reverse("grants:application-check", args=[application.pk])
    html = page(client.get(check))
    assert "Before you can send it" not in html
    submission_key = re.search(r'name="submission_key" value="([^"]+)"', html).group(1)
    first = client.post(check, {"submission_key": submission_key})
    again = client.post(check, {"submission_key": submission_key})
    assert first.url == again.url == reverse("grants:application-detail", args=[application.pk])
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    html = page(client.get(first.url))
    assert "staff check that it can go to the panel" in html


def test_check_your_answers_lists_what_is_missing(client, open_round, applicant):
    application = application_make(open_round, applicant, complete=False)
    client.force_login(applicant)
    html = page(client.get(reverse("grants:application-check", args=[application.pk])))
    assert "Before you can send it" in html
    assert "Write your group&#x27;s name." in html
    assert "Send the application" not in html


def test_sending_an_incomplete_application_keeps_it_a_draft(client, open_round, applicant):
    application = application_make(open_round, applicant, complete=False)
    client.force_login(applicant)
    response = client.post(
        reverse("grants:application-check", args=[application.pk]),
        {"submission_key": str(uuid.uuid4())},
    )
    assert response.status_code == 200
    assert "Some answers still need fixing" in page(response)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_save_and_check_goes_to_check_your_answers(client, open_round, applicant):
    client.force_login(applicant)
    response = client.post(
        reverse("grants:application-create", args=[open_round.pk]),
        form_data(open_round, str(uuid.uuid4()), check="1"),
    )
    application = Application.objects.get()
    assert response.url == reverse("grants:application-check", args=[application.pk])


def test_a_mistyped_amount_keeps_what_was_typed(client, open_round, applicant):
    client.force_login(applicant)
    response = client.post(
        reverse("grants:application-create", args=[open_round.pk]),
        form_data(open_round, str(uuid.uuid4()), amount="lots", group_name="Our Club"),
    )
    html = page(response)
    assert response.status_code == 200
    assert "Write an amount in pounds" in html
    assert 'value="Our Club"' in html
    assert not Application.objects.exists()


def test_a_refused_draft_shows_the_reason(client, open_round, applicant):
    client.force_login(applicant)
    response = client.post(
        reverse("grants:application-create", args=[open_round.pk]),
        form_data(open_round, str(uuid.uuid4()), summary="x" * 400, group_name="x" * 120)
        | {"young_people_count": "-3"},
    )
    assert "Write a number, like 12." in page(response)


def test_editing_with_another_applications_key_is_refused(client, open_round, applicant):
    application = application_make(open_round, applicant)
    client.force_login(applicant)
    response = client.post(
        reverse("grants:application-edit", args=[application.pk]),
        form_data(open_round, str(uuid.uuid4())),
    )
    assert "belongs to another application" in page(response)


def test_a_sent_application_cannot_be_edited_and_check_redirects(client, open_round, applicant):
    application = application_make(open_round, applicant, status="submitted")
    client.force_login(applicant)
    assert client.get(reverse("grants:application-edit", args=[application.pk])).status_code == 403
    response = client.get(reverse("grants:application-check", args=[application.pk]))
    assert response.url == reverse("grants:application-detail", args=[application.pk])


def test_a_group_cannot_see_another_groups_application(
    client, open_round, applicant, other_applicant
):
    application = application_make(open_round, applicant, status="submitted")
    client.force_login(other_applicant)
    for name in (
        "application-detail",
        "application-edit",
        "application-check",
        "application-withdraw",
    ):
        assert client.get(reverse(f"grants:{name}", args=[application.pk])).status_code == 403


def test_staff_see_sent_applications_but_not_drafts(client, open_round, applicant, staff, outsider):
    draft = application_make(open_round, applicant)
    sent = application_make(open_round, applicant, status="submitted")
    client.force_login(staff)
    assert client.get(reverse("grants:application-detail", args=[draft.pk])).status_code == 403
    assert client.get(reverse("grants:application-detail", args=[sent.pk])).status_code == 200
    client.force_login(outsider)
    assert client.get(reverse("grants:application-detail", args=[sent.pk])).status_code == 403


def test_a_group_takes_its_application_back(client, open_round, applicant):
    application = application_make(open_round, applicant, status="submitted")
    client.force_login(applicant)
    url = reverse("grants:application-withdraw", args=[application.pk])
    assert "Take the application back?" in page(client.get(url))
    assert client.post(url).url == reverse("grants:my-applications")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN


def test_your_applications_shows_status_and_next_step_in_few_queries(
    client, organisation, open_round, applicant, django_assert_max_num_queries
):
    application_make(open_round, applicant)
    for _ in range(3):
        application_make(round_make(organisation), applicant, status="not-eligible")
    client.force_login(applicant)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("grants:my-applications"))
    html = page(response)
    assert html.count("Outside our areas.") == 3
    assert "Carry on with it" in html


def test_only_group_contacts_start_applications(client, open_round, staff):
    client.force_login(staff)
    assert client.get(reverse("grants:application-create", args=[open_round.pk])).status_code == 403


# Staff set-up


def test_staff_make_a_fund_and_a_round(client, organisation, staff):
    client.force_login(staff)
    response = client.post(
        reverse("grants:funds", args=[organisation.slug]), {"name": "Youth Bank"}
    )
    assert response.status_code == 302
    fund = Fund.objects.get()
    response = client.post(
        reverse("grants:round-create", args=[fund.pk]),
        {"name": "Spring 2027", "what_it_funds": "Clubs", "opens_on": "2027-03-01"},
    )
    round = Round.objects.get()
    assert response.url == reverse("grants:round-setup", args=[round.pk])
    html = page(client.get(response.url))
    assert "Add a pot of money for at least one area." in html


def test_a_refused_fund_or_round_shows_the_reason(client, organisation, staff, draft_round):
    client.force_login(staff)
    response = client.post(
        reverse("grants:funds", args=[organisation.slug]), {"name": "youth bank"}
    )
    assert "There is already a fund with this name." in page(response)
    response = client.post(
        reverse("grants:round-create", args=[draft_round.fund_id]),
        {"name": draft_round.name},
    )
    assert "already has a round with this name" in page(response)
    response = client.post(
        reverse("grants:round-edit", args=[draft_round.pk]),
        {"name": "New", "opens_on": "2027-03-02", "closes_on": "2027-03-01"},
    )
    assert "on or after the day it opens" in page(response)


def test_staff_change_a_round_then_open_it(client, staff, draft_round):
    client.force_login(staff)
    response = client.post(
        reverse("grants:round-edit", args=[draft_round.pk]),
        {
            "name": "Spring",
            "what_it_funds": "Clubs",
            "who_can_apply": "Groups",
            "opens_on": "2027-03-01",
            "closes_on": "2027-04-01",
        },
    )
    assert response.status_code == 302
    response = client.post(reverse("grants:round-phase", args=[draft_round.pk]), {"to": "open"})
    draft_round.refresh_from_db()
    assert draft_round.phase == RoundPhase.OPEN
    html = page(client.get(response.url, follow=True))
    assert "The round is now at: Open for applications." in html
    assert "can't change now" in html


def test_a_refused_step_says_what_is_missing(client, staff, draft_round):
    client.force_login(staff)
    response = client.post(
        reverse("grants:round-phase", args=[draft_round.pk]), {"to": "screening"}, follow=True
    )
    assert "A round moves one step at a time." in page(response)


def test_the_set_up_page_says_the_decision_comes_before_giving_out_grants(client, organisation):
    from thegither.grants.tests.deciding_helpers import deciding_make

    deciding = deciding_make(organisation)
    client.force_login(deciding.staff)
    html = page(client.get(reverse("grants:round-setup", args=[deciding.round.pk])))
    assert 'Before the round can move to "Giving out grants", it needs:' in html
    assert "The chair confirms it at the decision meeting" in html
    assert "Move on to: Giving out grants" not in html
    response = client.post(
        reverse("grants:round-phase", args=[deciding.round.pk]), {"to": "awards"}, follow=True
    )
    assert "The panel hasn&#x27;t made its decision yet." in page(response)
    deciding.round.refresh_from_db()
    assert deciding.round.phase == RoundPhase.DECISION


def test_staff_add_and_remove_a_pot(client, organisation, staff, draft_round):
    area = Area.objects.create(organisation=organisation, name="South")
    client.force_login(staff)
    url = reverse("grants:pots", args=[draft_round.pk])
    response = client.post(
        url, {"area": area.pk, "amount": "15,000", "min_grant": "100", "max_grant": "2000"}
    )
    assert response.status_code == 302
    pot = draft_round.pots.get(area=area)
    assert pot.amount_pence == 1_500_000
    response = client.post(
        url, {"area": area.pk, "amount": "100", "min_grant": "100", "max_grant": "2000"}
    )
    assert "more than the whole pot" in page(response)
    client.post(reverse("grants:pot-remove", args=[pot.pk]))
    assert not draft_round.pots.filter(area=area).exists()


def test_removing_a_pot_of_an_open_round_says_why_not(client, staff, open_round):
    client.force_login(staff)
    pot = open_round.pots.first()
    response = client.post(reverse("grants:pot-remove", args=[pot.pk]), follow=True)
    assert "groups are already applying" in page(response)


def test_panel_members_write_criteria_and_questions(client, panel_member, draft_round):
    client.force_login(panel_member)
    url = reverse("grants:criteria", args=[draft_round.pk])
    response = client.post(url, {"title": "Fun", "meaning": "People enjoy it.", "weight": "2"})
    assert response.url == url
    assert "Fun" in page(client.get(url))
    response = client.post(url, {"title": "Fun", "meaning": "Again.", "weight": "2"})
    assert "There is already one with this title." in page(response)
    criterion = draft_round.criteria.get(title="Fun")
    client.post(reverse("grants:criterion-remove", args=[criterion.pk]))
    assert not draft_round.criteria.filter(title="Fun").exists()
    url = reverse("grants:questions", args=[draft_round.pk])
    client.post(url, {"text": "Where do you meet?", "required": "on"})
    question = draft_round.questions.get(text="Where do you meet?")
    client.post(reverse("grants:question-remove", args=[question.pk]))
    assert not draft_round.questions.filter(pk=question.pk).exists()


def test_criteria_of_an_open_round_cannot_be_removed(client, staff, open_round):
    client.force_login(staff)
    criterion = open_round.criteria.first()
    question = open_round.questions.first()
    response = client.post(reverse("grants:criterion-remove", args=[criterion.pk]), follow=True)
    assert "groups are already applying" in page(response)
    response = client.post(reverse("grants:question-remove", args=[question.pk]), follow=True)
    assert "groups are already applying" in page(response)


def test_panel_members_cannot_set_up_pots_or_steps(client, panel_member, draft_round):
    client.force_login(panel_member)
    assert client.get(reverse("grants:pots", args=[draft_round.pk])).status_code == 403
    assert client.get(reverse("grants:round-setup", args=[draft_round.pk])).status_code == 403


def test_the_funds_page_runs_few_queries(
    client, organisation, staff, applicant, django_assert_max_num_queries
):
    for _ in range(4):
        application_make(round_make(organisation), applicant, status="submitted")
    client.force_login(staff)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("grants:funds", args=[organisation.slug]))
    assert page(response).count("1 application sent") == 4


# Screening


def test_staff_screen_an_application(client, open_round, applicant, staff):
    application = application_make(open_round, applicant, status="submitted")
    client.force_login(staff)
    url = reverse("grants:application-screen", args=[application.pk])
    response = client.post(url, {"outcome": "not-eligible", "reason": ""})
    assert "Say why, in words the group will understand." in page(response)
    response = client.post(url, {"outcome": "not-eligible", "reason": "Outside our areas."})
    assert response.url == reverse("grants:screening", args=[open_round.pk])
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NOT_ELIGIBLE


def test_the_screening_list_runs_few_queries_and_hides_drafts(
    client, open_round, applicant, staff, django_assert_max_num_queries
):
    application_make(open_round, applicant)
    for _ in range(5):
        application_make(open_round, applicant, status="submitted")
    client.force_login(staff)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("grants:screening", args=[open_round.pk]))
    assert page(response).count(">Check<") == 5


def test_other_organisations_and_groups_cannot_screen(client, open_round, applicant, outsider):
    application = application_make(open_round, applicant, status="submitted")
    for person in (outsider, applicant):
        client.force_login(person)
        assert client.get(reverse("grants:screening", args=[open_round.pk])).status_code == 403
        url = reverse("grants:application-screen", args=[application.pk])
        assert client.get(url).status_code == 403


# Plain words: Django's own wording never reaches a grants page.

STOCK_WORDING = ("This field is required.", "Enter a valid", "Select a valid choice")


def test_empty_and_bad_forms_say_what_to_do_in_plain_words(
    client, organisation, staff, applicant, draft_round, open_round
):
    application = application_make(open_round, applicant, status="submitted")
    client.force_login(staff)
    posts = [
        (reverse("grants:funds", args=[organisation.slug]), {}),
        (reverse("grants:round-create", args=[draft_round.fund_id]), {"opens_on": "soon"}),
        (reverse("grants:pots", args=[draft_round.pk]), {"area": "x"}),
        (reverse("grants:criteria", args=[draft_round.pk]), {"weight": "9"}),
        (reverse("grants:questions", args=[draft_round.pk]), {}),
        (reverse("grants:application-screen", args=[application.pk]), {"outcome": "maybe"}),
    ]
    for url, data in posts:
        html = page(client.post(url, data))
        assert "There is a problem" in html, url
        for words in STOCK_WORDING:
            assert words not in html, (url, words)
    client.force_login(applicant)
    html = page(client.post(reverse("grants:application-create", args=[open_round.pk]), {}))
    assert "Something went wrong with the page." in html
    for words in STOCK_WORDING:
        assert words not in html


def test_the_dashboard_shows_each_role_its_youth_bank_links(
    client, organisation, staff, applicant, panel_member
):
    def dashboard(user):
        client.force_login(user)
        return page(client.get(reverse("accounts:dashboard")))

    assert reverse("grants:funds", args=[organisation.slug]) in dashboard(staff)
    assert reverse("grants:my-applications") in dashboard(applicant)
    panel = dashboard(panel_member)
    assert reverse("grants:my-applications") not in panel
    assert reverse("grants:funds", args=[organisation.slug]) not in panel


def test_a_draft_taken_back_unsent_stays_the_groups_own(client, open_round, applicant, staff):
    from thegither.grants import services

    draft = application_make(open_round, applicant)
    services.application_withdraw(application=draft, by=applicant)
    client.force_login(staff)
    assert client.get(reverse("grants:application-detail", args=[draft.pk])).status_code == 403
    html = page(client.get(reverse("grants:screening", args=[open_round.pk])))
    assert "No applications have been sent yet." in html


def test_set_up_pages_hand_the_change_decision_to_the_template(
    client, staff, panel_member, open_round
):
    client.force_login(staff)
    response = client.get(reverse("grants:pots", args=[open_round.pk]))
    assert not response.context["can_change"]
    assert "groups are already applying" in response.context["can_change"].reason
    client.force_login(panel_member)
    response = client.get(reverse("grants:criteria", args=[open_round.pk]))
    assert not response.context["can_change"]
