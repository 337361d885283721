"""Bid for a Fiver's pages: settings and teams, the console, the big screen, phones' plans."""

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from thegither.live import services
from thegither.live.models import FiverRound, LiveSession, PlanItem, Team, TeamMember
from thegither.live.services import FiverAction, FiverSettings, SessionSettings

PART = {"HTTP_X_LIVE_PART": "fiver"}
STAFF_PART = {"HTTP_X_LIVE_PART": "staff"}


@pytest.fixture
def fiver_session(organisation, staff):
    session = services.session_create(
        organisation=organisation,
        title="Bid for a Fiver",
        settings=SessionSettings(kind=LiveSession.Kind.FIVER),
        by=staff,
    )
    services.team_add(session=session, name="Kestrels", by=staff)
    services.team_add(session=session, name="Otters", by=staff)
    services.session_control(session=session, action="start", by=staff)
    session.refresh_from_db()
    return session


def _team(session, name) -> Team:
    return Team.objects.get(fiver__session=session, name=name)


def _phone_client(session, number: int, team: str | None = None, nickname: str = ""):
    token = f"fiver-view-token-{number:02d}-abcdef"
    participant = services.session_join(session=session, token=token, nickname=nickname).participant
    if team:
        services.team_join(participant=participant, code=_team(session, team).code)
    client = Client()
    client.cookies[services.DEVICE_COOKIE] = token
    return client, participant


def _url(session, name):
    return reverse(name, args=[session.join_code])


@pytest.fixture
def kim(fiver_session):
    return _phone_client(fiver_session, 1, "Kestrels", "Kim")


@pytest.fixture
def planning(fiver_session, staff, kim):
    services.fiver_control(session=fiver_session, action=FiverAction.START, by=staff)
    return fiver_session


# ---- settings and teams (the facilitator) ----


def test_making_a_bid_for_a_fiver_and_setting_its_budget(client, staff, organisation):
    client.force_login(staff)
    made = client.post(
        reverse("live:session-create", args=[organisation.slug]),
        {"title": "Fiver night", "kind": "fiver"},
    )
    session = LiveSession.objects.get(title="Fiver night")
    page = client.get(made.url)
    assert "Bid for a Fiver" in page.text
    assert 'value="5.00"' in page.text
    saved = client.post(
        reverse("live:fiver-settings", args=[session.pk]),
        {"fiver-cap": "£7.50", "fiver-minutes": "12", "fiver-own_vote_barred": "on"},
    )
    assert saved.status_code == 302
    fiver = FiverRound.objects.get(session=session)
    assert (fiver.cap_pence, fiver.minutes, fiver.own_vote_barred) == (750, 12, True)


@pytest.mark.parametrize("cap", ["five pounds", "1.234", "-1", "0", "2000"])
def test_a_bad_budget_keeps_the_form(client, staff, fiver_session, cap):
    client.force_login(staff)
    page = client.post(
        reverse("live:fiver-settings", args=[fiver_session.pk]),
        {"fiver-cap": cap, "fiver-minutes": "10"},
    )
    assert page.status_code == 400
    assert f'value="{cap}"' in page.text
    assert FiverRound.objects.get(session=fiver_session).cap_pence == 500


def test_a_budget_below_a_plan_is_refused_on_the_page(client, staff, planning, kim):
    _client, participant = kim
    services.plan_item_add(
        participant=participant, what="Seeds", cost_pence=400, client_id=uuid.uuid4()
    )
    client.force_login(staff)
    page = client.post(
        reverse("live:fiver-settings", args=[planning.pk]),
        {"fiver-cap": "3", "fiver-minutes": "10"},
    )
    assert page.status_code == 400
    assert "can&#x27;t be less than that" in page.text


def test_teams_are_added_from_the_session_page_or_the_console(client, staff, fiver_session):
    client.force_login(staff)
    url = reverse("live:team-add", args=[fiver_session.pk])
    added = client.post(url, {"name": "Herons"}, follow=True)
    herons = _team(fiver_session, "Herons")
    assert f"Its code is {herons.code}" in added.text
    from_console = client.post(url, {"name": "Swifts", "back": "console"})
    assert from_console.url == reverse("live:console", args=[fiver_session.pk]) + "#teams"
    taken = client.post(url, {"name": "herons"}, follow=True)
    assert "There is a team with that name already." in taken.text
    empty = client.post(url, {"name": ""}, follow=True)
    assert "This field is required." in empty.text
    assert Team.objects.filter(fiver__session=fiver_session).count() == 4


def test_the_facilitator_puts_phones_in_teams(client, staff, fiver_session):
    _kim_client, kim = _phone_client(fiver_session, 1, nickname="Kim")
    _jo_client, jo = _phone_client(fiver_session, 2, nickname="Jo")
    client.force_login(staff)
    console = client.get(reverse("live:console", args=[fiver_session.pk]))
    assert f'id="team-of-{kim.pk}"' in console.text
    otters = _team(fiver_session, "Otters")
    moved = client.post(
        reverse("live:participant-team", args=[fiver_session.pk, kim.pk]), {"team": otters.pk}
    )
    assert moved.url.endswith("#phones")
    assert TeamMember.objects.get(participant=kim).team == otters
    filled = client.post(reverse("live:teams-fill", args=[fiver_session.pk]), **STAFF_PART)
    assert filled.json()["note"] == "Put 1 phone in a team."
    assert TeamMember.objects.get(participant=jo).team == _team(fiver_session, "Kestrels")
    client.post(reverse("live:participant-team", args=[fiver_session.pk, kim.pk]), {"team": ""})
    assert not TeamMember.objects.filter(participant=kim).exists()


def test_the_console_runs_the_clock_then_the_vote(client, staff, fiver_session, kim):
    _kim_client, participant = kim
    _jo_client, jo = _phone_client(fiver_session, 2, "Otters", "Jo")
    client.force_login(staff)
    url = reverse("live:fiver", args=[fiver_session.pk])
    console = client.get(reverse("live:console", args=[fiver_session.pk]))
    assert "Start the clock (10 minutes)" in console.text
    assert _team(fiver_session, "Kestrels").code in console.text
    assert client.post(url, {"action": "start"}, **STAFF_PART).json()["ok"]
    part = client.get(reverse("live:console", args=[fiver_session.pk]), {"part": "live"})
    assert "data-countdown" in part.text
    assert "Pause the clock" in part.text
    services.plan_item_add(
        participant=participant, what="Seeds", cost_pence=300, client_id=uuid.uuid4()
    )
    services.plan_item_add(participant=jo, what="Chalk", cost_pence=200, client_id=uuid.uuid4())
    assert client.post(url, {"action": "stop"}).url.endswith("#fiver")
    part = client.get(reverse("live:console", args=[fiver_session.pk]), {"part": "live"})
    assert "Everyone votes now" in part.text
    assert "Seeds" in part.text
    client.post(url, {"action": "vote"})
    refused = client.post(url, {"action": "vote-twice"}, **STAFF_PART)
    assert refused.status_code == 400
    client.post(url, {"action": "winner"})
    assert FiverRound.objects.get(session=fiver_session).stage == "winner"


def test_outsiders_and_young_people_cannot_run_a_bid_for_a_fiver(
    client, outsider, panel_member, fiver_session, kim
):
    _kim_client, participant = kim
    otters = _team(fiver_session, "Otters")
    for person in (outsider, panel_member):
        client.force_login(person)
        for name, data in (
            ("live:fiver", {"action": "start"}),
            ("live:fiver-settings", {"fiver-cap": "1", "fiver-minutes": "1"}),
            ("live:team-add", {"name": "Mine"}),
            ("live:teams-fill", {}),
            ("live:record-csv", None),
            ("live:record-pdf", None),
        ):
            url = reverse(name, args=[fiver_session.pk])
            response = client.get(url) if data is None else client.post(url, data)
            assert response.status_code == 403, name
        assert (
            client.post(
                reverse("live:participant-team", args=[fiver_session.pk, participant.pk]),
                {"team": otters.pk},
            ).status_code
            == 403
        )
    fiver = FiverRound.objects.get(session=fiver_session)
    assert (fiver.stage, fiver.cap_pence) == ("teams", 500)
    assert Team.objects.filter(fiver=fiver).count() == 2


# ---- phones ----


def test_a_phone_joins_its_team_with_the_code(fiver_session):
    phone, participant = _phone_client(fiver_session, 5)
    page = phone.get(_url(fiver_session, "live:phone"))
    assert "Your team's code" in page.text
    code = _team(fiver_session, "Otters").code
    joined = phone.post(_url(fiver_session, "live:team-join"), {"team_code": code.lower()})
    assert joined.url.endswith("#fiver")
    assert TeamMember.objects.get(participant=participant).team.name == "Otters"
    page = phone.get(joined.url)
    assert "You're in Otters" in page.text
    assert "In the wrong team?" in page.text


def test_a_wrong_team_code_keeps_what_was_typed(fiver_session):
    phone, _participant = _phone_client(fiver_session, 5)
    page = phone.post(_url(fiver_session, "live:team-join"), {"team_code": "zzzz"})
    assert page.status_code == 400
    assert "No team has that code" in page.text
    assert 'value="zzzz"' in page.text
    part = phone.post(_url(fiver_session, "live:team-join"), {"team_code": "zzzz"}, **PART)
    assert part.status_code == 400
    assert "<html" not in part.text
    assert 'role="alert"' in part.text


def test_a_phone_that_has_not_joined_is_sent_to_join(fiver_session):
    stranger = Client()
    for name in ("live:team-join", "live:plan"):
        response = stranger.post(_url(fiver_session, name), {"team_code": "ABCD"})
        assert response.status_code == 302
        assert response.url == reverse("join:code", args=[fiver_session.join_code])
        assert stranger.post(_url(fiver_session, name), {}, **PART).status_code == 403


def test_before_the_clock_a_team_waits_to_plan(fiver_session, kim):
    phone, _participant = kim
    page = phone.get(_url(fiver_session, "live:phone"))
    assert "When the facilitator starts the clock, your team has 10 minutes" in page.text
    assert "Add it" not in page.text


def test_a_team_writes_its_plan_and_adds_items_by_form(planning, kim):
    phone, _participant = kim
    page = phone.get(_url(planning, "live:phone"))
    assert "Planned: £0.00 of £5.00" in page.text
    assert "data-countdown" in page.text
    url = _url(planning, "live:plan")
    saved = phone.post(
        url,
        {
            "action": "plan",
            "title": "Litter pick",
            "doing": "Clean the park",
            "for_whom": "Everyone",
            "was_title": "",
            "was_doing": "",
            "was_for_whom": "",
        },
    )
    assert saved.status_code == 302
    added = phone.post(
        url,
        {"action": "add", "what": "Bin bags", "cost": "£1.50", "client_id": str(uuid.uuid4())},
        **PART,
    )
    assert added.status_code == 200
    assert "<html" not in added.text
    assert 'data-note="Added Bin bags."' in added.text
    assert "Planned: £1.50 of £5.00" in added.text
    assert (
        'id="add-what" name="what" maxlength="60" autocomplete="off" value="" data-focus-next'
        in added.text
    )
    item = PlanItem.objects.get()
    changed = phone.post(
        url, {"action": "change", "item": item.pk, "what": "Bags", "cost": "75p"}, **PART
    )
    assert 'data-note="Changed Bags."' in changed.text
    assert "data-focus-next" not in changed.text
    item.refresh_from_db()
    assert (item.what, item.cost_pence) == ("Bags", 75)
    removed = phone.post(url, {"action": "remove", "item": item.pk}, **PART)
    assert 'data-note="Took Bags off."' in removed.text
    again = phone.post(url, {"action": "remove", "item": item.pk}, **PART)
    assert 'data-note="That item has gone already."' in again.text
    team = _team(planning, "Kestrels")
    assert (team.title, team.doing, team.for_whom) == ("Litter pick", "Clean the park", "Everyone")


def test_an_item_over_budget_keeps_what_was_typed_with_the_reason(planning, kim):
    phone, _participant = kim
    url = _url(planning, "live:plan")
    phone.post(
        url, {"action": "add", "what": "Seeds", "cost": "4.50", "client_id": str(uuid.uuid4())}
    )
    over = phone.post(
        url, {"action": "add", "what": "Compost", "cost": "0.60", "client_id": str(uuid.uuid4())}
    )
    assert over.status_code == 400
    assert (
        "That would make your plan cost £5.10, which is 10p more than your budget of £5.00."
        in over.text
    )
    assert 'value="Compost"' in over.text
    assert 'value="0.60"' in over.text
    bad_cost = phone.post(
        url,
        {"action": "add", "what": "Pots", "cost": "lots", "client_id": str(uuid.uuid4())},
        **PART,
    )
    assert bad_cost.status_code == 400
    assert "Say what it costs, like 1.50 or 75p." in bad_cost.text
    assert 'value="Pots"' in bad_cost.text
    item = PlanItem.objects.get()
    too_dear = phone.post(
        url, {"action": "change", "item": item.pk, "what": "Seeds", "cost": "5.01"}, **PART
    )
    assert too_dear.status_code == 400
    assert f'id="item-{item.pk}-cost"' in too_dear.text
    assert 'value="5.01"' in too_dear.text
    assert PlanItem.objects.get().cost_pence == 450


def test_an_item_gone_or_unknown_says_so(planning, kim):
    phone, _participant = kim
    url = _url(planning, "live:plan")
    for item in ("999999", "nope"):
        gone = phone.post(url, {"action": "change", "item": item, "what": "X", "cost": "1"}, **PART)
        assert gone.status_code == 400
        assert "That item has gone" in gone.text
    unknown = phone.post(
        url, {"action": "dance", "what": "Glitter", "cost": "1", "client_id": str(uuid.uuid4())}
    )
    assert unknown.status_code == 302  # read as an add
    assert PlanItem.objects.get().what == "Glitter"


def test_time_up_shows_every_plan_on_phones_and_the_big_screen(client, staff, planning, kim):
    phone, participant = kim
    services.plan_change(
        participant=participant, title="Litter pick", doing="Clean up", for_whom=""
    )
    services.plan_item_add(
        participant=participant, what="Bin bags", cost_pence=150, client_id=uuid.uuid4()
    )
    FiverRound.objects.filter(session=planning).update(
        deadline=timezone.now() - timedelta(seconds=1)
    )
    page = phone.get(_url(planning, "live:phone"), {"part": "fiver"})
    assert "Time's up! Here are everyone's plans." in page.text
    assert "Litter pick" in page.text
    assert "Left over: £3.50" in page.text
    assert "Add it" not in page.text
    client.force_login(staff)
    present = client.get(reverse("live:present", args=[planning.pk]))
    assert "Time's up! Here are the plans" in present.text
    assert "Bin bags" in present.text
    assert "Kim" not in present.text


def test_the_big_screen_shows_team_codes_then_the_clock_and_totals(
    client, staff, fiver_session, kim
):
    client.force_login(staff)
    url = reverse("live:present", args=[fiver_session.pk])
    page = client.get(url)
    assert _team(fiver_session, "Otters").code in page.text
    assert "You will have 10 minutes." in page.text
    services.fiver_control(session=fiver_session, action=FiverAction.START, by=staff)
    page = client.get(url, {"part": "live"})
    assert "live-clock--big" in page.text
    assert "£0.00 of £5.00 planned" in page.text


def test_the_vote_greys_out_a_teams_own_plan_when_barred(client, staff, planning, kim):
    phone, participant = kim
    _jo_client, jo = _phone_client(planning, 2, "Otters", "Jo")
    services.fiver_settings_change(
        session=planning, settings=FiverSettings(own_vote_barred=True), by=staff
    )
    services.plan_item_add(
        participant=participant, what="Seeds", cost_pence=100, client_id=uuid.uuid4()
    )
    services.plan_item_add(participant=jo, what="Chalk", cost_pence=100, client_id=uuid.uuid4())
    services.fiver_control(session=planning, action=FiverAction.STOP, by=staff)
    services.fiver_control(session=planning, action=FiverAction.VOTE, by=staff)
    page = phone.get(_url(planning, "live:phone"))
    assert "Which plan should win?" in page.text
    assert 'value="0" disabled' in page.text
    assert "(your team's plan: you can't vote for it)" in page.text
    vote = FiverRound.objects.get(session=planning).vote
    refused = phone.post(
        _url(planning, "live:answer"),
        {"activity": vote.pk, "client_id": str(uuid.uuid4()), "choice": "0"},
    )
    assert refused.status_code == 400
    assert "You can&#x27;t vote for your own team&#x27;s plan." in refused.text
    services.fiver_control(session=planning, action=FiverAction.WINNER, by=staff)
    client.force_login(staff)
    present = client.get(reverse("live:present", args=[planning.pk]))
    assert "Nobody voted, so there is no winner." in present.text


def test_the_phone_fiver_part_runs_a_fixed_number_of_queries(
    planning, staff, kim, django_assert_max_num_queries
):
    phone, participant = kim
    for number in range(6):
        services.plan_item_add(
            participant=participant, what=f"Thing {number}", cost_pence=10, client_id=uuid.uuid4()
        )
    with django_assert_max_num_queries(24):
        phone.get(_url(planning, "live:phone"), {"part": "fiver"})


@pytest.mark.parametrize("length", [300, 60_000])
def test_very_long_values_in_the_phones_forms_are_refused_calmly(planning, kim, length):
    phone, _participant = kim
    long = "x" * length
    for name, data in (
        ("live:team-join", {"team_code": long}),
        ("live:plan", {"action": "plan", "title": long, "doing": long, "for_whom": long}),
        ("live:plan", {"action": "add", "what": long, "cost": long, "client_id": long}),
        ("live:plan", {"action": "change", "item": long, "what": long, "cost": long}),
        ("live:plan", {"action": long, "item": long}),
    ):
        for headers in ({}, PART):
            response = phone.post(_url(planning, name), data, **headers)
            assert response.status_code in (302, 400), (name, data.keys(), response.status_code)
    assert not PlanItem.objects.exists()
    assert _team(planning, "Kestrels").title == ""
