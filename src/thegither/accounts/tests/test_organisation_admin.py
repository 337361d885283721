"""Looking after an organisation: name, logo, colour, areas, invitations, people.

Permissions first, then each service (success, each refusal, each bad input),
then the pages.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from thegither.accounts import permissions, services
from thegither.accounts.models import (
    Area,
    Invitation,
    Membership,
    Organisation,
    ResetCode,
    Role,
    User,
)
from thegither.accounts.selectors import area_uses, invitation_problem, open_invitations
from thegither.accounts.services import organisations as organisation_services
from thegither.accounts.tests import factories, images
from thegither.core.models import AuditEvent
from thegither.core.refusals import Refusal, Refused

SRC = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def audits(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def upload(data: bytes, name: str = "logo.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def refusal_kind(call) -> Refusal:
    with pytest.raises(Refused) as refused:
        call()
    return refused.value.kind


# permissions


def test_only_admins_and_site_administrators_manage_an_organisation(
    organisation, org_admin, staff, panel_member, superuser, outsider
):
    assert permissions.can_manage_organisation(org_admin, organisation)
    assert permissions.can_manage_organisation(superuser, organisation)
    for person in (staff, panel_member, outsider):
        decision = permissions.can_manage_organisation(person, organisation)
        assert not decision
        assert "Only an organisation admin" in decision.reason


def test_only_a_site_administrator_looks_after_every_organisation(org_admin, superuser):
    assert permissions.can_look_after_every_organisation(superuser)
    assert not permissions.can_look_after_every_organisation(org_admin)


def test_anonymous_visitor_manages_nothing(organisation):
    from django.contrib.auth.models import AnonymousUser

    assert not permissions.can_manage_organisation(AnonymousUser(), organisation)


def test_staff_cancel_invitations_only_for_roles_they_may_invite(
    organisation, org_admin, staff, panel_member
):
    for_panel, _token, _code = services.invitation_create(
        organisation=organisation, role=Role.PANEL_MEMBER, by=staff
    )
    for_staff, _token, _code = services.invitation_create(
        organisation=organisation, role=Role.STAFF, by=org_admin
    )

    assert permissions.can_cancel_invitation(staff, for_panel)
    assert not permissions.can_cancel_invitation(staff, for_staff)
    assert permissions.can_cancel_invitation(org_admin, for_staff)
    assert not permissions.can_cancel_invitation(panel_member, for_panel)


def test_staff_take_out_young_people_but_not_staff(
    organisation, org_admin, staff, panel_member, superuser
):
    other_staff = factories.member_make(organisation, Role.STAFF)

    def membership(user):
        return Membership.objects.get(user=user, organisation=organisation)

    assert permissions.can_remove_member(staff, membership(panel_member))
    assert not permissions.can_remove_member(staff, membership(other_staff))
    assert not permissions.can_remove_member(staff, membership(org_admin))
    assert permissions.can_remove_member(org_admin, membership(other_staff))
    assert permissions.can_remove_member(superuser, membership(org_admin))
    assert not permissions.can_remove_member(panel_member, membership(staff))


def test_nobody_takes_themselves_out(organisation, org_admin, superuser):
    Membership.objects.create(user=superuser, organisation=organisation, role=Role.STAFF)
    for person in (org_admin, superuser):
        decision = permissions.can_remove_member(person, Membership.objects.get(user=person))
        assert not decision
        assert "yourself" in decision.reason


def test_switching_an_account_off_needs_authority_everywhere_they_take_part(
    organisation, staff, org_admin, panel_member
):
    assert permissions.can_deactivate(staff, panel_member)
    assert not permissions.can_deactivate(staff, org_admin)
    assert not permissions.can_deactivate(staff, staff)
    elsewhere = factories.organisation_make()
    Membership.objects.create(user=panel_member, organisation=elsewhere, role=Role.PANEL_MEMBER)
    assert not permissions.can_deactivate(staff, panel_member)


def test_decisions_for_many_people_match_the_one_at_a_time_rules(
    organisation, org_admin, staff, panel_member, child, applicant, superuser
):
    factories.member_make(factories.organisation_make(), Role.ORGANISATION_ADMIN)
    people = list(User.objects.all())
    for actor in (org_admin, staff, panel_member, superuser):
        many = permissions.can_manage_accounts(actor, people)
        assert many == {
            person.pk: permissions.can_manage_account(actor, person) for person in people
        }


def test_people_page_decisions_take_three_queries_however_many_rows(
    organisation, staff, django_assert_num_queries
):
    for _number in range(6):
        factories.member_make(organisation, Role.PANEL_MEMBER)
        services.invitation_create(organisation=organisation, role=Role.PANEL_MEMBER, by=staff)
    memberships = list(Membership.objects.filter(organisation=organisation).select_related("user"))
    invitations = list(Invitation.objects.select_related("organisation"))

    with django_assert_num_queries(3):
        decisions = permissions.people_page_decisions(staff, organisation, memberships, invitations)

    for membership in memberships:
        person = membership.user
        assert decisions.accounts[person.pk] == permissions.can_deactivate(staff, person)
        # For one's own row only the words differ ("use 'Change your password'").
        assert (
            decisions.accounts[person.pk].allowed
            == permissions.can_issue_reset_code(staff, person).allowed
        )
        assert decisions.guardian[person.pk] == permissions.can_record_guardian_authorisation(
            staff, person
        )
        assert decisions.roles[membership.pk] == permissions.can_change_role(staff, membership)
        assert decisions.removals[membership.pk] == permissions.can_remove_member(staff, membership)
    for invitation in invitations:
        assert decisions.cancels[invitation.pk] == permissions.can_cancel_invitation(
            staff, invitation
        )


# name and colour


def test_admin_changes_name_and_colour_with_old_and_new_values_audited(organisation, org_admin):
    before_name = organisation.name

    services.organisation_details_change(
        organisation=organisation, name="  Hillside Youth ", accent_colour="#5B2A86", by=org_admin
    )

    organisation.refresh_from_db()
    assert organisation.name == "Hillside Youth"
    assert organisation.accent_colour == "#5b2a86"
    [event] = audits("organisation.changed")
    assert event.actor == org_admin
    assert event.details == {
        "name": {"from": before_name, "to": "Hillside Youth"},
        "accent_colour": {"from": "#1d5c63", "to": "#5b2a86"},
    }


def test_saving_the_same_name_and_colour_again_records_nothing(organisation, org_admin):
    services.organisation_details_change(
        organisation=organisation,
        name=organisation.name,
        accent_colour=organisation.accent_colour,
        by=org_admin,
    )
    assert audits("organisation.changed") == []


@pytest.mark.parametrize(
    ("name", "colour", "field", "words"),
    [
        ("", "#1d5c63", "name", "Write the organisation's name."),
        ("x" * 121, "#1d5c63", "name", "120 letters or fewer"),
        ("Fine", "#ffff00", "accent_colour", "too light"),
        ("Fine", "purple", "accent_colour", "like #1d5c63"),
        ("Fine", "", "accent_colour", "like #1d5c63"),
    ],
)
def test_bad_name_or_colour_is_refused_in_plain_words(
    organisation, org_admin, name, colour, field, words
):
    with pytest.raises(Refused) as refused:
        services.organisation_details_change(
            organisation=organisation, name=name, accent_colour=colour, by=org_admin
        )
    assert refused.value.kind == Refusal.INVALID
    assert words in " ".join(refused.value.message_dict[field])
    organisation.refresh_from_db()
    assert organisation.accent_colour == "#1d5c63"


def test_staff_cannot_change_the_organisation(organisation, staff):
    with pytest.raises(PermissionDenied):
        services.organisation_details_change(
            organisation=organisation, name="Mine now", accent_colour="#1d5c63", by=staff
        )
    organisation.refresh_from_db()
    assert organisation.name != "Mine now"


# logo


@pytest.mark.parametrize(
    ("data", "extension"),
    [(images.png(), "png"), (images.JPEG, "jpg"), (images.GIF, "gif"), (images.WEBP, "webp")],
)
def test_a_real_picture_becomes_the_logo_under_a_new_random_name(
    organisation, org_admin, media, data, extension
):
    services.organisation_logo_change(
        organisation=organisation, logo=upload(data, name="our-logo.svg"), by=org_admin
    )

    organisation.refresh_from_db()
    name = organisation.logo.name
    assert name.startswith("logos/")
    assert name.endswith(f".{extension}")
    assert "our-logo" not in name
    assert (media / name).read_bytes() == data
    [event] = audits("organisation.logo_changed")
    assert event.details == {"from": "", "to": name, "bytes": len(data)}


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (images.SVG, "logo.svg"),
        (images.HTML, "logo.png"),
        (b"just some words", "logo.gif"),
    ],
)
def test_a_file_that_is_not_a_picture_is_refused_whatever_its_name(
    organisation, org_admin, media, data, name
):
    with pytest.raises(Refused) as refused:
        services.organisation_logo_change(
            organisation=organisation, logo=upload(data, name=name), by=org_admin
        )
    assert refused.value.kind == Refusal.BAD_FILE
    assert "PNG, JPEG, WebP or GIF" in refused.value.message_dict["logo"][0]
    organisation.refresh_from_db()
    assert not organisation.logo
    assert not (media / "logos").exists() or not any((media / "logos").iterdir())


def test_a_logo_over_1_mb_is_refused(organisation, org_admin):
    too_big = images.png() + b"\x00" * services.LOGO_MAX_BYTES
    kind = refusal_kind(
        lambda: services.organisation_logo_change(
            organisation=organisation, logo=upload(too_big), by=org_admin
        )
    )
    assert kind == Refusal.TOO_BIG


def test_an_empty_file_is_refused(organisation, org_admin):
    kind = refusal_kind(
        lambda: services.organisation_logo_change(
            organisation=organisation, logo=upload(b""), by=org_admin
        )
    )
    assert kind == Refusal.BAD_FILE


def test_without_libmagic_a_logo_is_refused_with_a_clear_message(
    organisation, org_admin, monkeypatch
):
    # None in sys.modules makes `import magic` fail, as it does when libmagic is missing.
    monkeypatch.setitem(sys.modules, "magic", None)

    with pytest.raises(Refused) as refused:
        services.organisation_logo_change(
            organisation=organisation, logo=upload(images.png()), by=org_admin
        )

    assert refused.value.kind == Refusal.CANNOT_CHECK
    assert "install libmagic" in refused.value.message_dict["logo"][0]


def test_the_site_starts_without_python_magic(tmp_path):
    script = (
        "import sys; sys.modules['magic'] = None\n"
        "import django; django.setup()\n"
        "from django.core.management import call_command; call_command('check')\n"
        "import thegither.urls, thegither.accounts.services\n"
    )
    environment = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "DJANGO_SETTINGS_MODULE": "thegither.settings",
        "THEGITHER_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_staff_cannot_change_the_logo(organisation, staff):
    with pytest.raises(PermissionDenied):
        services.organisation_logo_change(
            organisation=organisation, logo=upload(images.png()), by=staff
        )


def test_a_new_logo_deletes_the_old_file_after_commit(
    organisation, org_admin, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_logo_change(
            organisation=organisation, logo=upload(images.png()), by=org_admin
        )
    first = media / Organisation.objects.get().logo.name
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_logo_change(
            organisation=organisation, logo=upload(images.GIF), by=org_admin
        )

    assert not first.exists()
    assert (media / Organisation.objects.get().logo.name).exists()


def test_removing_the_logo_twice_records_it_once(
    organisation, org_admin, media, django_capture_on_commit_callbacks
):
    services.organisation_logo_change(
        organisation=organisation, logo=upload(images.png()), by=org_admin
    )
    stored = media / Organisation.objects.get().logo.name

    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_logo_remove(organisation=organisation, by=org_admin)
        services.organisation_logo_remove(organisation=organisation, by=org_admin)

    assert not Organisation.objects.get().logo
    assert not stored.exists()
    [event] = audits("organisation.logo_removed")
    assert event.details["to"] == ""


# areas


def test_admin_adds_an_area_and_it_is_audited(organisation, org_admin):
    area = services.area_add(organisation=organisation, name="  North   West ", by=org_admin)

    assert area.name == "North West"
    [event] = audits("area.added")
    assert event.details == {"organisation": organisation.pk, "from": None, "to": "North West"}


def test_two_areas_cannot_share_a_name_even_in_different_capitals(organisation, org_admin):
    services.area_add(organisation=organisation, name="North West", by=org_admin)

    with pytest.raises(Refused) as refused:
        services.area_add(organisation=organisation, name="north west", by=org_admin)

    assert refused.value.kind == Refusal.TAKEN
    assert refused.value.message_dict["name"] == [
        "There's already an area called north west here. Choose another name."
    ]
    assert Area.objects.count() == 1


def test_another_organisation_may_use_the_same_area_name(organisation, org_admin, superuser):
    services.area_add(organisation=organisation, name="North West", by=org_admin)
    services.area_add(organisation=factories.organisation_make(), name="North West", by=superuser)
    assert Area.objects.filter(name="North West").count() == 2


@pytest.mark.parametrize(("name", "kind"), [("   ", Refusal.INVALID), ("x" * 81, Refusal.TOO_LONG)])
def test_a_blank_or_too_long_area_name_is_refused(organisation, org_admin, name, kind):
    assert (
        refusal_kind(lambda: services.area_add(organisation=organisation, name=name, by=org_admin))
        == kind
    )


def test_staff_cannot_add_areas(organisation, staff):
    with pytest.raises(PermissionDenied):
        services.area_add(organisation=organisation, name="North", by=staff)


def test_renaming_an_area_records_old_and_new_names(organisation, org_admin):
    area = services.area_add(organisation=organisation, name="North Wets", by=org_admin)

    services.area_rename(area=area, name="North West", by=org_admin)
    services.area_rename(area=area, name="North West", by=org_admin)

    area.refresh_from_db()
    assert area.name == "North West"
    [event] = audits("area.renamed")
    assert event.details == {
        "organisation": organisation.pk,
        "from": "North Wets",
        "to": "North West",
    }


def test_an_area_can_change_only_its_capitals(organisation, org_admin):
    area = services.area_add(organisation=organisation, name="north west", by=org_admin)
    services.area_rename(area=area, name="North West", by=org_admin)
    area.refresh_from_db()
    assert area.name == "North West"


def test_renaming_to_another_areas_name_is_refused(organisation, org_admin):
    services.area_add(organisation=organisation, name="North East", by=org_admin)
    area = services.area_add(organisation=organisation, name="North West", by=org_admin)

    kind = refusal_kind(lambda: services.area_rename(area=area, name="North East", by=org_admin))

    assert kind == Refusal.TAKEN
    area.refresh_from_db()
    assert area.name == "North West"


def test_staff_cannot_rename_areas(organisation, org_admin, staff):
    area = services.area_add(organisation=organisation, name="North", by=org_admin)
    with pytest.raises(PermissionDenied):
        services.area_rename(area=area, name="South", by=staff)


def test_an_unused_area_is_removed_once(organisation, org_admin):
    area = services.area_add(organisation=organisation, name="North", by=org_admin)
    assert area_uses(area) == []

    services.area_remove(area=area, by=org_admin)
    services.area_remove(area=area, by=org_admin)

    assert not Area.objects.exists()
    [event] = audits("area.removed")
    assert event.details == {"organisation": organisation.pk, "from": "North", "to": None}


def test_an_area_still_in_use_is_not_removed(organisation, org_admin, monkeypatch):
    area = services.area_add(organisation=organisation, name="North", by=org_admin)
    monkeypatch.setattr(organisation_services, "area_uses", lambda area: ["grant pots"])

    with pytest.raises(Refused) as refused:
        services.area_remove(area=area, by=org_admin)

    assert refused.value.kind == Refusal.IN_USE
    assert "still used (by grant pots)" in refused.value.messages[0]
    assert Area.objects.filter(pk=area.pk).exists()


def test_staff_cannot_remove_areas(organisation, org_admin, staff):
    area = services.area_add(organisation=organisation, name="North", by=org_admin)
    with pytest.raises(PermissionDenied):
        services.area_remove(area=area, by=staff)
    assert Area.objects.exists()


# invitations


def test_a_cancelled_invitation_stops_working_and_leaves_the_list(organisation, staff):
    invitation, _token, _code = services.invitation_create(
        organisation=organisation, role=Role.PANEL_MEMBER, by=staff
    )

    services.invitation_cancel(invitation=invitation, by=staff)
    services.invitation_cancel(invitation=invitation, by=staff)

    invitation.refresh_from_db()
    assert invitation.cancelled_at is not None
    assert "cancelled" in invitation_problem(invitation)
    assert list(open_invitations(organisation)) == []
    [event] = audits("invitation.cancelled")
    assert event.details["role"] == Role.PANEL_MEMBER
    assert event.details["from"] is None


def test_joining_with_a_cancelled_invitation_is_refused(organisation, staff):
    invitation, token, code = services.invitation_create(
        organisation=organisation, role=Role.PANEL_MEMBER, by=staff
    )
    services.invitation_cancel(invitation=invitation, by=staff)

    kind = refusal_kind(
        lambda: services.invitation_accept(
            token=token,
            code=code,
            username="skye",
            display_name="Skye",
            age_band="13-15",
            password="river-otters-swim-2026",
        )
    )

    assert kind == Refusal.UNUSABLE
    assert not User.objects.filter(username="skye").exists()


def test_a_used_invitation_cannot_be_cancelled(organisation, staff):
    invitation, token, code = services.invitation_create(
        organisation=organisation, role=Role.PANEL_MEMBER, by=staff
    )
    services.invitation_accept(
        token=token,
        code=code,
        username="skye",
        display_name="Skye",
        age_band="13-15",
        password="river-otters-swim-2026",
    )

    kind = refusal_kind(lambda: services.invitation_cancel(invitation=invitation, by=staff))

    assert kind == Refusal.WRONG_STATE


def test_staff_cannot_cancel_an_invitation_for_staff(organisation, org_admin, staff):
    invitation, _token, _code = services.invitation_create(
        organisation=organisation, role=Role.STAFF, by=org_admin
    )
    with pytest.raises(PermissionDenied):
        services.invitation_cancel(invitation=invitation, by=staff)
    invitation.refresh_from_db()
    assert invitation.cancelled_at is None


# switching accounts off and on


def test_a_switched_off_account_cannot_log_in_or_use_its_old_session(
    client, organisation, staff, panel_member
):
    client.force_login(panel_member)
    services.reset_code_issue(person=panel_member, by=staff)

    services.account_deactivate(person=panel_member, by=staff)
    services.account_deactivate(person=panel_member, by=staff)

    panel_member.refresh_from_db()
    assert not panel_member.is_active
    assert (
        authenticate(
            RequestFactory().post("/"), username=panel_member.username, password=factories.PASSWORD
        )
        is None
    )
    assert client.get(reverse("accounts:dashboard")).status_code == 302
    assert not ResetCode.objects.filter(user=panel_member, expires_at__gt=_now()).exists()
    [event] = audits("account.deactivated")
    assert event.details == {"from": True, "to": False, "field": "is_active"}
    assert Membership.objects.filter(user=panel_member).exists()


def _now():
    from django.utils import timezone

    return timezone.now()


def test_a_switched_off_person_is_told_so_only_with_the_right_password(
    client, organisation, staff, panel_member
):
    services.account_deactivate(person=panel_member, by=staff)
    url = reverse("accounts:login")

    right = client.post(url, {"username": panel_member.username, "password": factories.PASSWORD})
    wrong = client.post(url, {"username": panel_member.username, "password": "guess-again"})

    assert "This account has been switched off." in right.content.decode()
    assert "_auth_user_id" not in client.session
    assert "switched off" not in wrong.content.decode()
    assert "don&#x27;t match" in wrong.content.decode()


def test_a_switched_off_account_can_be_switched_back_on(organisation, staff, panel_member):
    services.account_deactivate(person=panel_member, by=staff)

    services.account_reactivate(person=panel_member, by=staff)

    assert (
        authenticate(
            RequestFactory().post("/"), username=panel_member.username, password=factories.PASSWORD
        )
        is not None
    )
    [event] = audits("account.reactivated")
    assert event.details == {"from": False, "to": True, "field": "is_active"}


@pytest.mark.parametrize("who", ["self", "admin"])
def test_staff_cannot_switch_off_themselves_or_an_admin(organisation, staff, org_admin, who):
    person = staff if who == "self" else org_admin
    with pytest.raises(PermissionDenied):
        services.account_deactivate(person=person, by=staff)
    person.refresh_from_db()
    assert person.is_active


# taking someone out


def test_taking_someone_out_keeps_their_account_and_records(organisation, staff, panel_member):
    membership = Membership.objects.get(user=panel_member)

    services.membership_remove(membership=membership, by=staff)
    services.membership_remove(membership=membership, by=staff)

    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert User.objects.filter(pk=panel_member.pk, is_active=True).exists()
    [event] = audits("membership.removed")
    assert event.details == {
        "organisation": organisation.pk,
        "user": panel_member.pk,
        "from": Role.PANEL_MEMBER,
        "to": None,
    }


def test_an_admin_takes_out_another_admin(organisation, org_admin):
    other = factories.member_make(organisation, Role.ORGANISATION_ADMIN)
    services.membership_remove(membership=Membership.objects.get(user=other), by=org_admin)
    assert not Membership.objects.filter(user=other).exists()


def test_the_last_admin_cannot_be_taken_out(organisation, org_admin, superuser):
    with pytest.raises(Refused) as refused:
        services.membership_remove(membership=Membership.objects.get(user=org_admin), by=superuser)
    assert refused.value.kind == Refusal.LAST_ADMIN
    assert Membership.objects.filter(user=org_admin).exists()


def test_staff_cannot_take_out_staff_or_themselves(organisation, staff):
    other = factories.member_make(organisation, Role.STAFF)
    for person in (other, staff):
        with pytest.raises(PermissionDenied):
            services.membership_remove(membership=Membership.objects.get(user=person), by=staff)
    assert Membership.objects.filter(user__in=[other, staff]).count() == 2


# pages


def test_dashboard_links_admins_to_their_organisation_pages(client, organisation, org_admin):
    client.force_login(org_admin)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("accounts:organisation-settings", args=[organisation.slug]) in html
    assert reverse("accounts:areas", args=[organisation.slug]) in html


def test_dashboard_links_a_site_administrator_to_every_organisation(
    client, organisation, superuser
):
    client.force_login(superuser)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Other organisations you look after" in html
    assert reverse("accounts:organisation-settings", args=[organisation.slug]) in html


def test_dashboard_gives_staff_no_organisation_pages(client, organisation, staff):
    client.force_login(staff)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("accounts:organisation-settings", args=[organisation.slug]) not in html
    assert "Other organisations you look after" not in html


def test_settings_page_saves_name_and_colour(client, organisation, org_admin):
    client.force_login(org_admin)
    url = reverse("accounts:organisation-settings", args=[organisation.slug])
    assert client.get(url).status_code == 200

    response = client.post(url, {"name": "Hillside Youth", "accent_colour": "#5b2a86"}, follow=True)

    assert "Saved the name and colour." in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.name == "Hillside Youth"


def test_a_new_colour_gets_a_new_theme_address_so_it_shows_at_once(client, organisation, org_admin):
    client.force_login(org_admin)
    url = reverse("accounts:organisation-settings", args=[organisation.slug])
    before = organisation.theme_css_url

    html = client.post(url, {"name": "Hillside", "accent_colour": "#5B2A86"}, follow=True)

    organisation.refresh_from_db()
    assert organisation.theme_css_url != before
    assert organisation.theme_css_url.endswith("?v=5b2a86")
    assert f'href="{organisation.theme_css_url}"' in html.content.decode()


def test_settings_page_explains_a_light_colour_and_keeps_what_was_typed(
    client, organisation, org_admin
):
    client.force_login(org_admin)
    url = reverse("accounts:organisation-settings", args=[organisation.slug])

    response = client.post(url, {"name": "Hillside Youth", "accent_colour": "#ffff00"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in html
    assert "too light" in html
    assert 'value="Hillside Youth"' in html
    assert 'value="#ffff00"' in html


def test_staff_cannot_open_the_settings_page(client, organisation, staff):
    client.force_login(staff)
    url = reverse("accounts:organisation-settings", args=[organisation.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "x", "accent_colour": "#1d5c63"}).status_code == 403


def test_logo_page_refuses_a_renamed_web_page(client, organisation, org_admin):
    client.force_login(org_admin)
    url = reverse("accounts:organisation-logo-change", args=[organisation.slug])

    response = client.post(url, {"logo": upload(images.HTML, name="logo.png")})

    assert response.status_code == 200
    assert "isn&#x27;t a picture we can use" in response.content.decode()
    organisation.refresh_from_db()
    assert not organisation.logo


def test_logo_page_without_a_file_says_what_to_do(client, organisation, org_admin):
    client.force_login(org_admin)
    url = reverse("accounts:organisation-logo-change", args=[organisation.slug])
    response = client.post(url, {})
    assert "Choose a picture file for the logo." in response.content.decode()


def test_an_uploaded_logo_is_served_as_a_picture_that_can_run_nothing(
    client, organisation, org_admin
):
    client.force_login(org_admin)
    client.post(
        reverse("accounts:organisation-logo-change", args=[organisation.slug]),
        {"logo": upload(images.png(), name="logo.svg", content_type="image/svg+xml")},
    )
    organisation.refresh_from_db()
    client.logout()

    response = client.get(organisation.logo_url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == images.png()


def test_an_old_or_made_up_logo_name_is_not_found(client, organisation, org_admin):
    services.organisation_logo_change(
        organisation=organisation, logo=upload(images.png()), by=org_admin
    )
    for name in ("other.png", "logo.svg"):
        url = reverse("accounts:organisation-logo", args=[organisation.slug, name])
        assert client.get(url).status_code == 404


def test_the_header_shows_the_logo(client, organisation, org_admin):
    services.organisation_logo_change(
        organisation=organisation, logo=upload(images.png()), by=org_admin
    )
    organisation.refresh_from_db()
    client.force_login(org_admin)
    html = client.get(reverse("accounts:organisation-settings", args=[organisation.slug])).content
    assert f'class="site-header__logo" src="{organisation.logo_url}"'.encode() in html


def test_logo_can_be_removed_from_the_settings_page(client, organisation, org_admin):
    services.organisation_logo_change(
        organisation=organisation, logo=upload(images.png()), by=org_admin
    )
    client.force_login(org_admin)
    url = reverse("accounts:organisation-logo-remove", args=[organisation.slug])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "The logo has been removed." in response.content.decode()
    organisation.refresh_from_db()
    assert not organisation.logo


def test_staff_cannot_upload_or_remove_a_logo(client, organisation, staff):
    client.force_login(staff)
    change = reverse("accounts:organisation-logo-change", args=[organisation.slug])
    remove = reverse("accounts:organisation-logo-remove", args=[organisation.slug])
    assert client.post(change, {"logo": upload(images.png())}).status_code == 403
    assert client.post(remove).status_code == 403


def test_areas_page_adds_renames_and_removes(client, organisation, org_admin):
    client.force_login(org_admin)
    url = reverse("accounts:areas", args=[organisation.slug])

    response = client.post(url, {"name": "North Wets"}, follow=True)
    assert "Added the area North Wets." in response.content.decode()
    area = Area.objects.get()
    rename = reverse("accounts:area-rename", args=[organisation.slug, area.pk])
    assert client.get(rename).status_code == 200
    response = client.post(rename, {"name": "North West"}, follow=True)
    assert "North Wets is now called North West." in response.content.decode()
    response = client.post(
        reverse("accounts:area-remove", args=[organisation.slug, area.pk]), follow=True
    )
    assert "Removed the area North West." in response.content.decode()
    assert not Area.objects.exists()


def test_areas_page_explains_a_name_already_used(client, organisation, org_admin):
    services.area_add(organisation=organisation, name="North West", by=org_admin)
    client.force_login(org_admin)

    response = client.post(
        reverse("accounts:areas", args=[organisation.slug]), {"name": "North West"}
    )

    html = response.content.decode().replace("&#x27;", "'")
    assert "There's already an area called North West here" in html
    assert 'id="error-summary"' in html


def test_area_in_use_is_explained_on_the_areas_page(client, organisation, org_admin, monkeypatch):
    area = services.area_add(organisation=organisation, name="North", by=org_admin)
    monkeypatch.setattr(organisation_services, "area_uses", lambda area: ["grant pots"])
    client.force_login(org_admin)

    response = client.post(
        reverse("accounts:area-remove", args=[organisation.slug, area.pk]), follow=True
    )

    assert "still used (by grant pots)" in response.content.decode()


def test_staff_cannot_manage_areas(client, organisation, org_admin, staff):
    area = services.area_add(organisation=organisation, name="North", by=org_admin)
    client.force_login(staff)
    assert client.get(reverse("accounts:areas", args=[organisation.slug])).status_code == 403
    rename = reverse("accounts:area-rename", args=[organisation.slug, area.pk])
    assert client.post(rename, {"name": "South"}).status_code == 403
    remove = reverse("accounts:area-remove", args=[organisation.slug, area.pk])
    assert client.post(remove).status_code == 403


def test_an_area_of_another_organisation_is_not_found(client, organisation, org_admin, superuser):
    elsewhere = services.area_add(
        organisation=factories.organisation_make(), name="South", by=superuser
    )
    client.force_login(org_admin)
    url = reverse("accounts:area-rename", args=[organisation.slug, elsewhere.pk])
    assert client.get(url).status_code == 404


def test_people_page_offers_cancel_only_where_staff_may(client, organisation, org_admin, staff):
    services.invitation_create(organisation=organisation, role=Role.PANEL_MEMBER, by=staff)
    services.invitation_create(organisation=organisation, role=Role.STAFF, by=org_admin)
    client.force_login(staff)

    html = client.get(reverse("accounts:people", args=[organisation.slug])).content.decode()

    assert html.count("the invitation for a") == 1
    assert "the invitation for a Young panel member" in html


def test_cancel_button_cancels_the_invitation(client, organisation, staff):
    invitation, _token, _code = services.invitation_create(
        organisation=organisation, role=Role.PANEL_MEMBER, by=staff
    )
    client.force_login(staff)
    url = reverse("accounts:invitation-cancel", args=[organisation.slug, invitation.pk])

    response = client.post(url, follow=True)

    assert "Cancelled the invitation." in response.content.decode().replace("&#x27;", "'")
    invitation.refresh_from_db()
    assert invitation.cancelled_at is not None


def test_panel_member_cannot_cancel_invitations(client, organisation, staff, panel_member):
    invitation, _token, _code = services.invitation_create(
        organisation=organisation, role=Role.PANEL_MEMBER, by=staff
    )
    client.force_login(panel_member)
    url = reverse("accounts:invitation-cancel", args=[organisation.slug, invitation.pk])
    assert client.post(url).status_code == 403


def test_people_page_switches_an_account_off_and_on(client, organisation, staff, panel_member):
    client.force_login(staff)
    membership = Membership.objects.get(user=panel_member)
    off = reverse("accounts:account-deactivate", args=[organisation.slug, membership.pk])
    on = reverse("accounts:account-reactivate", args=[organisation.slug, membership.pk])

    html = client.post(off, follow=True).content.decode().replace("&#x27;", "'")
    assert f"{panel_member.display_name}'s account is switched off." in html
    assert "Switched off" in html
    assert f"Switch {panel_member.display_name}'s account back on" in html
    client.post(on)

    panel_member.refresh_from_db()
    assert panel_member.is_active


def test_staff_are_not_offered_to_switch_off_an_admin(client, organisation, staff, org_admin):
    client.force_login(staff)
    html = client.get(reverse("accounts:people", args=[organisation.slug])).content.decode()
    assert f"Switch off {org_admin.display_name}" not in html.replace("&#x27;", "'")
    membership = Membership.objects.get(user=org_admin)
    url = reverse("accounts:account-deactivate", args=[organisation.slug, membership.pk])
    assert client.post(url).status_code == 403


def test_people_page_takes_someone_out_and_a_second_press_is_harmless(
    client, organisation, staff, panel_member
):
    client.force_login(staff)
    membership = Membership.objects.get(user=panel_member)
    url = reverse("accounts:member-remove", args=[organisation.slug, membership.pk])

    first = client.post(url, follow=True).content.decode()
    second = client.post(url, follow=True).content.decode()

    assert f"{panel_member.display_name} is no longer in {organisation.name}" in first
    assert "isn&#x27;t in" in second
    assert User.objects.filter(pk=panel_member.pk).exists()


def test_taking_someone_out_asks_first(client, organisation, staff, panel_member):
    client.force_login(staff)
    membership = Membership.objects.get(user=panel_member)
    url = reverse("accounts:member-remove", args=[organisation.slug, membership.pk])

    html = client.get(url).content.decode().replace("&#x27;", "'")

    assert f"Take {panel_member.display_name} out of {organisation.name}?" in html
    assert "Their account stays" in html
    assert Membership.objects.filter(pk=membership.pk).exists()
    people = client.get(reverse("accounts:people", args=[organisation.slug])).content.decode()
    assert f'href="{url}"' in people


def test_asking_to_take_out_someone_already_gone_is_not_found(client, organisation, staff):
    client.force_login(staff)
    url = reverse("accounts:member-remove", args=[organisation.slug, 999999])
    assert client.get(url).status_code == 404


def test_staff_cannot_open_the_page_to_take_out_an_admin(client, organisation, staff, org_admin):
    client.force_login(staff)
    membership = Membership.objects.get(user=org_admin)
    url = reverse("accounts:member-remove", args=[organisation.slug, membership.pk])
    assert client.get(url).status_code == 403


def test_site_administrator_is_told_the_last_admin_stays(
    client, organisation, org_admin, superuser
):
    client.force_login(superuser)
    membership = Membership.objects.get(user=org_admin)
    url = reverse("accounts:member-remove", args=[organisation.slug, membership.pk])

    response = client.post(url, follow=True)

    assert "Every organisation needs at least one admin" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_panel_member_cannot_take_anyone_out(client, organisation, panel_member, staff):
    client.force_login(panel_member)
    membership = Membership.objects.get(user=staff)
    url = reverse("accounts:member-remove", args=[organisation.slug, membership.pk])
    assert client.post(url).status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_people_page_query_count_does_not_grow_with_rows(
    client, organisation, org_admin, staff, django_assert_max_num_queries
):
    def add_rows():
        for _number in range(5):
            factories.member_make(organisation, Role.PANEL_MEMBER)
            services.invitation_create(organisation=organisation, role=Role.PANEL_MEMBER, by=staff)

    client.force_login(org_admin)
    url = reverse("accounts:people", args=[organisation.slug])
    add_rows()
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200
    add_rows()
    with django_assert_max_num_queries(15):
        html = client.get(url).content.decode().replace("&#x27;", "'")
    assert html.count("Switch off") == 11  # everyone but the admin themselves
    assert html.count("the invitation for a") == 10


def test_the_admin_site_cannot_change_a_logo_or_areas(client, organisation, superuser):
    """The admin site is no way round the checks: logos and areas change on their pages."""
    Area.objects.create(organisation=organisation, name="North")
    client.force_login(superuser)

    html = client.get(
        reverse("admin:accounts_organisation_change", args=[organisation.pk])
    ).content.decode()

    assert 'type="file"' not in html
    assert 'name="areas-0-name"' not in html
    assert 'name="areas-__prefix__-name"' not in html
