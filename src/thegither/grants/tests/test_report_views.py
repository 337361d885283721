"""The report pages: the group writes and sends; the panel and staff read, thank, see the list."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from thegither.accounts.models import Role
from thegither.accounts.tests import factories
from thegither.grants.models import Report, ReportFile, ReportStatus
from thegither.grants.services import reports as services
from thegither.grants.tests.report_helpers import (
    PDF,
    award_make,
    draft_of,
    funded_make,
    photo_bytes,
    sent_report,
    uploaded,
)

pytestmark = pytest.mark.django_db

FILLED = {
    "what_happened": "Four camps in the park.",
    "young_people_count": "24",
    "story": "Everyone cheered.",
    "story_is_public": "on",
    "returned": "12.50",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def funded(organisation):
    return funded_make(organisation, decided_on=datetime.date(2027, 3, 1))


def as_(client, user):
    client.force_login(user)
    return client


def write_url(award):
    return reverse("grants:report-write", args=[award.pk])


def test_the_group_saves_a_draft_and_comes_back_to_it(client, funded):
    as_(client, funded.contact)
    page = client.get(write_url(funded.award))
    assert page.status_code == 200
    assert "The report is due on 30 May 2027." in page.content.decode()
    assert "Write 0 if you spent it all. Your grant was £500." in page.content.decode()
    response = client.post(write_url(funded.award), {**FILLED, "save": "1"})
    assert response.status_code == 302
    assert response.url == write_url(funded.award)
    report = Report.objects.get()
    assert (report.young_people_count, report.returned_pence, report.story_is_public) == (
        24,
        1_250,
        True,
    )
    again = client.get(write_url(funded.award))
    assert 'value="12.50"' in again.content.decode()
    assert "Four camps in the park." in again.content.decode()


def test_the_buttons_go_on_to_files_or_to_the_check(client, funded):
    as_(client, funded.contact)
    files = client.post(write_url(funded.award), {**FILLED, "files": "1"})
    report = Report.objects.get()
    assert files.url == reverse("grants:report-files", args=[report.pk])
    check = client.post(write_url(funded.award), {**FILLED, "check": "1"})
    assert check.url == reverse("grants:report-check", args=[report.pk])


def test_a_refusal_keeps_what_was_typed(client, funded):
    as_(client, funded.contact)
    response = client.post(write_url(funded.award), {**FILLED, "returned": "600"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "That&#x27;s more than the £500 you were given." in html
    assert "Four camps in the park." in html
    assert 'value="600"' in html
    assert not Report.objects.exists()
    bad = client.post(write_url(funded.award), {**FILLED, "young_people_count": "lots"})
    assert "Write a number, like 12." in bad.content.decode()


def test_nobody_but_the_groups_contact_opens_the_form(client, funded, other_applicant, outsider):
    for person in (funded.staff, funded.member, other_applicant, outsider):
        assert as_(client, person).get(write_url(funded.award)).status_code == 403
    assert client.post(write_url(funded.award), FILLED).status_code == 403
    assert not Report.objects.exists()


def test_photos_need_a_yes_from_people_in_them_and_receipts_are_added(client, funded, media):
    report = services.report_save(award=funded.award, draft=draft_of(), by=funded.contact)
    url = reverse("grants:report-files", args=[report.pk])
    as_(client, funded.contact)
    refused = client.post(
        url,
        {"purpose": "photo", "photo-file": uploaded(photo_bytes()), "photo-has_people": "on"},
    )
    assert refused.status_code == 400
    assert "said yes. Tick the box if they did" in refused.content.decode()
    assert not ReportFile.objects.exists()
    added = client.post(
        url,
        {
            "purpose": "photo",
            "photo-file": uploaded(photo_bytes(), "camp.jpg"),
            "photo-caption": "Tents by the river",
            "photo-has_people": "on",
            "photo-consent": "on",
        },
    )
    assert added.status_code == 302
    receipt = client.post(url, {"purpose": "receipt", "receipt-file": uploaded(PDF, "till.pdf")})
    assert receipt.status_code == 302
    photo, till = ReportFile.objects.order_by("pk")
    assert (photo.purpose, photo.has_people, photo.consent, photo.caption) == (
        "photo",
        True,
        True,
        "Tents by the river",
    )
    assert (till.purpose, till.kind) == ("receipt", "pdf")
    page = client.get(url)
    assert "camp.jpg" in page.content.decode()
    assert "till.pdf" in page.content.decode()
    removed = client.post(reverse("grants:report-file-remove", args=[till.pk]))
    assert removed.url == url
    assert list(ReportFile.objects.all()) == [photo]


def test_a_wrong_kind_of_receipt_is_refused_on_the_page(client, funded):
    report = services.report_save(award=funded.award, draft=draft_of(), by=funded.contact)
    as_(client, funded.contact)
    response = client.post(
        reverse("grants:report-files", args=[report.pk]),
        {"purpose": "receipt", "receipt-file": uploaded(b"<html>hi</html>", "till.pdf")},
    )
    assert response.status_code == 400
    assert "as a receipt" in response.content.decode()


def _files(report, by):
    photo = services.report_file_add(
        report=report, purpose="photo", file=uploaded(photo_bytes(), "camp.jpg"), by=by
    )
    receipt = services.report_file_add(
        report=report, purpose="receipt", file=uploaded(PDF, "till.pdf"), by=by
    )
    return photo, receipt


def test_photos_show_and_receipts_download_safely_for_the_panel_and_staff(client, funded):
    report = services.report_save(award=funded.award, draft=draft_of(), by=funded.contact)
    photo, receipt = _files(report, funded.contact)
    services.report_send(report=report, by=funded.contact)
    for person in (funded.member, funded.staff, funded.contact):
        as_(client, person)
        shown = client.get(reverse("grants:report-file", args=[photo.pk]))
        assert shown.status_code == 200
        assert shown["Content-Type"] == "image/jpeg"
        assert shown["Content-Disposition"] == 'inline; filename="camp.jpg"'
        assert shown["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in shown["Content-Security-Policy"]
        assert "no-store" in shown["Cache-Control"]
        assert b"PhoneMaker" not in b"".join(shown.streaming_content)
        got = client.get(reverse("grants:report-file", args=[receipt.pk]))
        assert got["Content-Type"] == "application/pdf"
        assert got["Content-Disposition"] == 'attachment; filename="till.pdf"'


def test_files_are_refused_to_everyone_else(client, funded, other_applicant, outsider):
    report = services.report_save(award=funded.award, draft=draft_of(), by=funded.contact)
    photo, _receipt = _files(report, funded.contact)
    url = reverse("grants:report-file", args=[photo.pk])
    # A draft's photos are the group's own, even from the panel and staff.
    for person in (funded.member, funded.staff, other_applicant, outsider):
        assert as_(client, person).get(url).status_code == 403
    services.report_send(report=report, by=funded.contact)
    for person in (other_applicant, outsider):
        assert as_(client, person).get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302  # to log in
    # Nothing in the media folder is served at a public address.
    assert client.get(f"/media/{photo.file.name}").status_code == 404


def test_the_check_page_lists_whats_missing_then_sends(client, funded):
    report = services.report_save(
        award=funded.award, draft=services.ReportDraft(story="Fun."), by=funded.contact
    )
    url = reverse("grants:report-check", args=[report.pk])
    as_(client, funded.contact)
    page = client.get(url).content.decode()
    assert "Say what happened." in page
    assert "Say how many young people took part." in page
    assert "Send the report" not in page
    refused = client.post(url)
    assert refused.status_code == 200
    assert Report.objects.get().status == ReportStatus.DRAFT
    services.report_save(award=funded.award, draft=draft_of(), by=funded.contact)
    assert "Send the report" in client.get(url).content.decode()
    sent = client.post(url)
    assert sent.url == reverse("grants:report-detail", args=[report.pk])
    assert Report.objects.get().status == ReportStatus.SENT
    # Sent: the form and the check page now lead to the read-only report.
    assert client.get(write_url(funded.award)).url == sent.url
    assert client.get(url).url == sent.url
    assert client.post(write_url(funded.award), FILLED).url == sent.url
    assert Report.objects.get().young_people_count == 24
    detail = client.get(sent.url).content.decode()
    assert "Carry on with it" not in detail
    assert "the panel of young people reads it" in detail


def test_the_panel_reads_and_thanks_and_the_group_sees_it(
    client, funded, django_capture_on_commit_callbacks
):
    report = sent_report(funded.award)
    mail.outbox.clear()
    detail = reverse("grants:report-detail", args=[report.pk])
    as_(client, funded.member)
    page = client.get(detail).content.decode()
    assert "Mark as read and thank the group" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("grants:report-acknowledge", args=[report.pk]),
            {"thanks": "Brilliant work. From the panel"},
        )
        again = client.post(reverse("grants:report-acknowledge", args=[report.pk]), {"thanks": "x"})
    assert response.url == detail
    assert again.url == detail
    report.refresh_from_db()
    assert (report.status, report.thanks) == (
        ReportStatus.ACKNOWLEDGED,
        "Brilliant work. From the panel",
    )
    assert [m.subject for m in mail.outbox] == ["The panel has read your report"]
    group_page = as_(client, funded.contact).get(detail).content.decode()
    assert "Brilliant work. From the panel" in group_page
    assert "Mark as read" not in group_page
    assert funded.member.display_name not in group_page


def test_a_too_long_thank_you_is_refused_calmly(client, funded):
    report = sent_report(funded.award)
    as_(client, funded.staff)
    response = client.post(
        reverse("grants:report-acknowledge", args=[report.pk]), {"thanks": "x" * 1001}
    )
    assert response.status_code == 400
    assert "Keep this to 1000 letters or fewer." in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SENT


def test_the_group_cannot_mark_its_own_report_read(client, funded):
    report = sent_report(funded.award)
    as_(client, funded.contact)
    assert client.post(reverse("grants:report-acknowledge", args=[report.pk])).status_code == 403


def test_the_rounds_list_for_the_panel_and_staff(
    client, funded, organisation, django_assert_max_num_queries
):
    sent_report(funded.award)
    for _ in range(5):
        award_make(funded.meeting, funded.contact)
    url = reverse("grants:round-reports", args=[funded.round.pk])
    as_(client, funded.member)
    with django_assert_max_num_queries(12):
        page = client.get(url)
    html = page.content.decode()
    assert html.count("Not started") == 5
    assert "Sent: waiting to be read" in html
    assert "When reports are due" not in html  # staff set that
    assert client.post(url, {"days": "30"}).status_code == 403
    as_(client, funded.staff)
    assert "When reports are due" in client.get(url).content.decode()
    saved = client.post(url, {"days": "30"})
    assert saved.url == url
    funded.round.refresh_from_db()
    assert funded.round.report_due_days == 30
    bad = client.post(url, {"days": "0"})
    assert bad.status_code == 400
    assert "Give a number of days from 1 to 730." in bad.content.decode()


def test_the_application_page_links_to_the_report(client, funded):
    as_(client, funded.contact)
    page = client.get(reverse("grants:application-detail", args=[funded.award.application_id]))
    assert "Write your end-of-grant report" in page.content.decode()
    assert write_url(funded.award) in page.content.decode()


def test_another_organisations_staff_and_another_group_are_refused(client, funded, other_applicant):
    report = sent_report(funded.award)
    elsewhere = factories.member_make(factories.organisation_make(), Role.STAFF)
    for person in (elsewhere, other_applicant):
        as_(client, person)
        assert client.get(reverse("grants:report-detail", args=[report.pk])).status_code == 403
        assert (
            client.get(reverse("grants:round-reports", args=[funded.round.pk])).status_code == 403
        )
