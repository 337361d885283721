"""Reports after the grant: saving, sending, photos and receipts, thanking, due dates."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thegither.accounts.models import Role
from thegither.accounts.tests import factories, images
from thegither.core.models import AuditEvent
from thegither.core.refusals import Refusal, Refused
from thegither.grants.models import (
    REPORT_FILES_MAX,
    UPLOAD_MAX_BYTES,
    Award,
    AwardStatus,
    PanelMember,
    Report,
    ReportFile,
    ReportStatus,
    RoundPhase,
)
from thegither.grants.reporting import report_due_on
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


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def funded(organisation):
    return funded_make(organisation)


def save(funded, **fields):
    return services.report_save(award=funded.award, draft=draft_of(**fields), by=funded.contact)


# --- Saving a draft


def test_a_draft_keeps_whatever_was_typed_and_is_audited(funded):
    report = services.report_save(
        award=funded.award,
        draft=services.ReportDraft(what_happened="  Half done.  "),
        by=funded.contact,
    )
    assert report.status == ReportStatus.DRAFT
    assert report.what_happened == "Half done."
    assert report.young_people_count is None
    assert report.returned_pence is None
    event = AuditEvent.objects.get(action="grants.report_saved")
    assert event.details == {
        "award": funded.award.pk,
        "created": True,
        "changed": ["what_happened"],
    }
    # The group's words are never copied into the audit log.
    assert "Half done" not in str(event.details)


def test_saving_again_changes_the_same_report_and_audits_only_changes(funded):
    first = save(funded)
    again = save(funded)
    changed = save(funded, young_people_count=30)
    assert first.pk == again.pk == changed.pk
    assert Report.objects.count() == 1
    events = AuditEvent.objects.filter(action="grants.report_saved").order_by("pk")
    assert [e.details["changed"] for e in events][-1] == ["young_people_count"]
    assert events.count() == 2  # the save that changed nothing wrote nothing


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"young_people_count": -1}, "young_people_count"),
        ({"young_people_count": 100_001}, "young_people_count"),
        ({"young_people_count": True}, "young_people_count"),
        ({"returned_pence": -5}, "returned"),
        ({"returned_pence": 50_001}, "returned"),
        ({"what_happened": "x" * 3001}, "what_happened"),
        ({"story": "x" * 1501}, "story"),
        ({"story": "", "story_is_public": True}, "story_is_public"),
    ],
)
def test_bad_answers_are_refused_in_plain_words(funded, fields, field):
    with pytest.raises(Refused) as caught:
        save(funded, **fields)
    assert caught.value.kind == Refusal.INVALID
    assert field in caught.value.message_dict
    assert not Report.objects.exists()


def test_money_not_spent_can_be_all_of_the_award_but_never_more(funded):
    report = save(funded, returned_pence=50_000)
    assert report.returned_pence == 50_000
    with pytest.raises(Refused) as caught:
        save(funded, returned_pence=50_001)
    assert caught.value.message_dict["returned"] == ["That's more than the £500 you were given."]


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amount=st.integers(min_value=1, max_value=1_000_000), returned=st.integers(0, 2_000_000))
def test_money_returned_is_never_more_than_the_award(funded, amount, returned):
    with transaction.atomic():
        Award.objects.filter(pk=funded.award.pk).update(amount_pence=amount)
        if returned > amount:
            with pytest.raises(Refused) as caught:
                save(funded, returned_pence=returned)
            assert caught.value.message_dict["returned"][0].startswith("That's more than")
            assert not Report.objects.filter(award=funded.award).exists()
        else:
            assert save(funded, returned_pence=returned).returned_pence == returned
        transaction.set_rollback(True)


def test_only_the_groups_contact_writes_the_report(funded, organisation, other_applicant):
    for person in (other_applicant, funded.staff, funded.member):
        with pytest.raises(PermissionDenied):
            services.report_save(award=funded.award, draft=draft_of(), by=person)
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("status", "is_final"),
    [
        (AwardStatus.DECLINED, True),
        (AwardStatus.NOT_FUNDED, False),
        (AwardStatus.PROPOSED, False),
    ],
)
def test_no_report_without_a_final_award_with_money(funded, status, is_final):
    award = award_make(funded.meeting, funded.contact, status=status, is_final=is_final)
    with pytest.raises(PermissionDenied) as caught:
        services.report_save(award=award, draft=draft_of(), by=funded.contact)
    assert "Only groups that got money send a report" in str(caught.value)


def test_a_partial_award_sends_a_report_too(funded):
    award = award_make(funded.meeting, funded.contact, status=AwardStatus.PARTIAL)
    report = services.report_save(award=award, draft=draft_of(), by=funded.contact)
    assert services.report_send(report=report, by=funded.contact).status == ReportStatus.SENT


def test_a_closed_round_takes_no_more_reports(funded):
    funded.round.phase = RoundPhase.CLOSED
    funded.round.save()
    with pytest.raises(PermissionDenied) as caught:
        save(funded)
    assert "This round is closed" in str(caught.value)


# --- Sending


def test_sending_needs_what_happened_the_number_and_the_money_left(funded):
    report = services.report_save(
        award=funded.award, draft=services.ReportDraft(), by=funded.contact
    )
    with pytest.raises(Refused) as caught:
        services.report_send(report=report, by=funded.contact)
    assert set(caught.value.message_dict) == {"what_happened", "young_people_count", "returned"}
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_sending_makes_it_read_only_and_emails_the_group_once(
    funded, django_capture_on_commit_callbacks
):
    report = save(funded, returned_pence=2_550)
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.report_send(report=report, by=funded.contact)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.report_send(report=report, by=funded.contact)  # a double click
    assert sent.status == again.status == ReportStatus.SENT
    assert sent.sent_by == funded.contact
    assert sent.sent_at is not None
    [email] = mail.outbox
    assert email.to == ["group@example.org"]
    assert email.subject == f"We've got your report for {funded.round.name}"
    assert "You said £25.50 wasn't spent" in email.body
    event = AuditEvent.objects.get(action="grants.report_sent")
    assert event.details["returned_pence"] == 2_550
    assert event.details["young_people"] == 24
    with pytest.raises(PermissionDenied) as caught:
        save(funded, young_people_count=99)
    assert "You've sent this report, so it can't change now." in str(caught.value)
    with pytest.raises(PermissionDenied):
        services.report_file_add(
            report=report, purpose="receipt", file=uploaded(PDF, "r.pdf"), by=funded.contact
        )


def test_nobody_else_sends_the_groups_report(funded):
    report = save(funded)
    for person in (funded.staff, funded.member):
        with pytest.raises(PermissionDenied):
            services.report_send(report=report, by=person)
    report.refresh_from_db()
    assert report.is_draft


def test_the_database_refuses_a_sent_report_with_answers_missing(funded):
    report = Report.objects.create(award=funded.award)
    report.status = ReportStatus.SENT
    with pytest.raises(IntegrityError), transaction.atomic():
        report.save()


# --- Photos and receipts


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (photo_bytes("JPEG"), "jpg"),
        (photo_bytes("PNG"), "png"),
        (photo_bytes("WEBP"), "webp"),
    ],
)
def test_photos_are_stored_under_new_names_without_where_they_were_taken(funded, media, data, kind):
    report = save(funded)
    photo = services.report_file_add(
        report=report,
        purpose="photo",
        file=uploaded(data, "../../Camp day.exe"),
        caption="Tents by the river",
        by=funded.contact,
    )
    assert (photo.kind, photo.name, photo.caption) == (
        kind,
        f"Camp day.{kind}",
        "Tents by the river",
    )
    assert photo.file.name.startswith("grant-reports/")
    assert "Camp" not in photo.file.name
    stored = (media / photo.file.name).read_bytes()
    assert b"PhoneMaker" in data
    assert b"PhoneMaker" not in stored
    from PIL import Image

    picture = Image.open(photo.file.path)
    picture.load()
    assert picture.size == (40, 20)
    exif = picture.getexif()
    assert dict(exif) == {0x0112: 6}  # which way up it was taken is all that is left
    assert exif.get_ifd(0x8825) == {}
    assert photo.size_bytes == len(stored)
    event = AuditEvent.objects.get(action="grants.report_file_added")
    assert event.details["purpose"] == "photo"
    assert event.details["kind"] == kind


@pytest.mark.parametrize("data", [images.HTML, images.SVG, images.GIF, PDF, b"just some words"])
def test_a_photo_is_judged_by_its_content_not_its_name(funded, data):
    report = save(funded)
    with pytest.raises(Refused) as caught:
        services.report_file_add(
            report=report, purpose="photo", file=uploaded(data, "photo.jpg"), by=funded.contact
        )
    assert caught.value.kind == Refusal.BAD_FILE
    assert "Choose a JPEG, PNG or WebP picture" in caught.value.message_dict["file"][0]
    assert not ReportFile.objects.exists()


def test_receipts_take_pdfs_and_pictures_only(funded, media):
    report = save(funded)
    pdf = services.report_file_add(
        report=report, purpose="receipt", file=uploaded(PDF, "till.pdf"), by=funded.contact
    )
    assert (pdf.kind, (media / pdf.file.name).read_bytes()) == ("pdf", PDF)
    picture = services.report_file_add(
        report=report,
        purpose="receipt",
        file=uploaded(photo_bytes("PNG"), "till.png"),
        has_people=True,  # a receipt has no people in it: the tick is ignored
        consent=False,
        by=funded.contact,
    )
    assert (picture.kind, picture.has_people) == ("png", False)
    with pytest.raises(Refused) as caught:
        services.report_file_add(
            report=report,
            purpose="receipt",
            file=uploaded(images.HTML, "till.pdf"),
            by=funded.contact,
        )
    assert "as a receipt" in caught.value.message_dict["file"][0]


def test_a_photo_with_people_needs_everyones_yes(funded):
    report = save(funded)
    with pytest.raises(Refused) as caught:
        services.report_file_add(
            report=report,
            purpose="photo",
            file=uploaded(photo_bytes()),
            has_people=True,
            consent=False,
            by=funded.contact,
        )
    assert "a grown-up for anyone under 16" in caught.value.message_dict["consent"][0]
    photo = services.report_file_add(
        report=report,
        purpose="photo",
        file=uploaded(photo_bytes()),
        has_people=True,
        consent=True,
        by=funded.contact,
    )
    assert (photo.has_people, photo.consent) == (True, True)
    assert AuditEvent.objects.get(action="grants.report_file_added").details["consent"] is True


def test_the_database_refuses_a_photo_of_people_without_their_yes(funded):
    report = save(funded)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportFile.objects.create(
            report=report, purpose="photo", file="x.jpg", name="x.jpg", kind="jpg",
            size_bytes=1, has_people=True, consent=False,
        )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportFile.objects.create(
            report=report, purpose="photo", file="x.pdf", name="x.pdf", kind="pdf", size_bytes=1
        )


def test_a_damaged_picture_is_refused_rather_than_kept_half_cleaned(funded):
    report = save(funded)
    cut_off = photo_bytes("JPEG")[:200]
    with pytest.raises(Refused) as caught:
        services.report_file_add(
            report=report, purpose="photo", file=uploaded(cut_off), by=funded.contact
        )
    assert "seems to be damaged" in caught.value.message_dict["file"][0]


def test_too_big_empty_and_too_many_files_are_refused(funded, monkeypatch):
    report = save(funded)
    with pytest.raises(Refused) as caught:
        services.report_file_add(
            report=report,
            purpose="receipt",
            file=uploaded(PDF + b"0" * UPLOAD_MAX_BYTES, "big.pdf"),
            by=funded.contact,
        )
    assert caught.value.kind == Refusal.TOO_BIG
    with pytest.raises(Refused) as caught:
        services.report_file_add(
            report=report, purpose="receipt", file=uploaded(b"", "e.pdf"), by=funded.contact
        )
    assert caught.value.kind == Refusal.BAD_FILE
    for _ in range(REPORT_FILES_MAX):
        services.report_file_add(
            report=report, purpose="receipt", file=uploaded(PDF, "r.pdf"), by=funded.contact
        )
    with pytest.raises(Refused) as caught:
        services.report_file_add(
            report=report, purpose="receipt", file=uploaded(PDF, "r.pdf"), by=funded.contact
        )
    assert caught.value.kind == Refusal.TOO_MANY
    # The limit is per kind: photos can still be added.
    services.report_file_add(
        report=report, purpose="photo", file=uploaded(photo_bytes()), by=funded.contact
    )


def test_without_libmagic_files_are_refused_clearly(funded, monkeypatch):
    from thegither.core.uploads import CannotCheckFiles

    def no_magic(data):
        raise CannotCheckFiles("libmagic.so.1: cannot open shared object file")

    monkeypatch.setattr("thegither.grants.services.uploads.content_type_of", no_magic)
    report = save(funded)
    with pytest.raises(Refused) as caught:
        services.report_file_add(
            report=report, purpose="photo", file=uploaded(photo_bytes()), by=funded.contact
        )
    assert caught.value.kind == Refusal.CANNOT_CHECK


def test_taking_a_file_off_deletes_it_once_saved(funded, media, django_capture_on_commit_callbacks):
    report = save(funded)
    photo = services.report_file_add(
        report=report, purpose="photo", file=uploaded(photo_bytes()), by=funded.contact
    )
    path = media / photo.file.name
    with pytest.raises(PermissionDenied):
        services.report_file_remove(file=photo, by=funded.staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_file_remove(file=photo, by=funded.contact)
    assert not ReportFile.objects.exists()
    assert not path.exists()
    assert AuditEvent.objects.get(action="grants.report_file_removed").details["purpose"] == "photo"


# --- The panel reads and thanks


def test_a_panel_member_marks_it_read_with_a_thank_you_emailed_once(
    funded, django_capture_on_commit_callbacks
):
    report = sent_report(funded.award)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        read = services.report_acknowledge(
            report=report, thanks="Brilliant work. From the panel", by=funded.member
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.report_acknowledge(report=report, thanks="Again", by=funded.staff)
    read.refresh_from_db()
    assert read.status == ReportStatus.ACKNOWLEDGED
    assert read.acknowledged_by == funded.member
    assert read.acknowledged_at is not None
    assert read.thanks == "Brilliant work. From the panel"
    [email] = mail.outbox
    assert email.subject == "The panel has read your report"
    assert "Brilliant work. From the panel" in email.body
    # The young person's name is never in the group's email.
    assert funded.member.display_name not in email.body
    event = AuditEvent.objects.get(action="grants.report_acknowledged")
    assert event.actor == funded.member
    assert event.details == {"award": funded.award.pk, "panel_member": 1, "thanks": True}


def test_staff_can_mark_it_read_too_and_the_note_is_optional(funded):
    report = sent_report(funded.award)
    read = services.report_acknowledge(report=report, by=funded.staff)
    assert (read.acknowledged_by, read.thanks) == (funded.staff, "")
    assert (
        AuditEvent.objects.get(action="grants.report_acknowledged").details["panel_member"] is None
    )


def test_who_may_not_mark_a_report_read(funded, organisation, outsider):
    draft = save(funded)
    with pytest.raises(PermissionDenied) as caught:
        services.report_acknowledge(report=draft, by=funded.member)
    assert "The group hasn't sent this report yet." in str(caught.value)
    report = services.report_send(report=draft, by=funded.contact)
    waiting = factories.child_make(organisation)
    PanelMember.objects.create(round=funded.round, user=waiting, number=2)
    not_on_panel = factories.member_make(organisation, Role.PANEL_MEMBER)
    for person in (funded.contact, outsider, not_on_panel, waiting):
        with pytest.raises(PermissionDenied):
            services.report_acknowledge(report=report, by=person)
    with pytest.raises(Refused) as caught:
        services.report_acknowledge(report=report, thanks="x" * 1001, by=funded.member)
    assert caught.value.kind == Refusal.TOO_LONG
    report.refresh_from_db()
    assert report.status == ReportStatus.SENT


# --- Due dates


def test_a_report_is_due_the_rounds_number_of_days_after_the_decision(organisation):
    funded = funded_make(organisation, decided_on=datetime.date(2027, 3, 1))
    assert report_due_on(funded.award) == datetime.date(2027, 5, 30)  # 90 days
    services.report_due_days_set(round=funded.round, days=30, by=funded.staff)
    funded.award.application.round.refresh_from_db()
    assert report_due_on(funded.award) == datetime.date(2027, 3, 31)
    event = AuditEvent.objects.get(action="grants.report_due_days_set")
    assert event.details == {"old": 90, "new": 30}


@pytest.mark.parametrize("days", [0, 731, -3, True, "30"])
def test_report_days_must_be_a_sensible_number(funded, days):
    with pytest.raises(Refused) as caught:
        services.report_due_days_set(round=funded.round, days=days, by=funded.staff)
    assert "from 1 to 730" in caught.value.message_dict["days"][0]


def test_only_staff_set_the_days_and_not_once_the_round_is_closed(funded, outsider):
    for person in (funded.member, funded.contact, outsider):
        with pytest.raises(PermissionDenied):
            services.report_due_days_set(round=funded.round, days=30, by=person)
    funded.round.phase = RoundPhase.CLOSED
    funded.round.save()
    with pytest.raises(PermissionDenied) as caught:
        services.report_due_days_set(round=funded.round, days=30, by=funded.staff)
    assert "closed" in str(caught.value)
