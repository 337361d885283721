"""Helpers for report tests: a round whose decision is final, with funded groups and a panel."""

import datetime
import io
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from thegither.accounts.models import Role
from thegither.accounts.tests import factories
from thegither.grants.models import (
    ApplicationStatus,
    Award,
    AwardStatus,
    DecisionMeeting,
    MeetingStatus,
    PanelMember,
    Round,
    RoundPhase,
)
from thegither.grants.services.reports import ReportDraft, report_save, report_send
from thegither.grants.tests.factories import application_make, round_make

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Funded:
    round: Round
    staff: object
    contact: object
    member: object  # a young panel member of the round
    award: Award  # the contact's award: final, with money
    meeting: DecisionMeeting


def final_meeting(round: Round, by, *, decided_on: datetime.date | None = None) -> DecisionMeeting:
    confirmed_at = timezone.now()
    if decided_on is not None:
        confirmed_at = timezone.make_aware(datetime.datetime.combine(decided_on, datetime.time(12)))
    return DecisionMeeting.objects.create(
        round=round,
        method="approval",
        rule="mes",
        quorum=1,
        opened_by=by,
        status=MeetingStatus.FINAL,
        confirmed_by=by,
        confirmed_at=confirmed_at,
    )


def award_make(
    meeting: DecisionMeeting,
    contact,
    *,
    amount_pence: int = 50_000,
    status: str = AwardStatus.AWARDED,
    is_final: bool = True,
    pot=None,
) -> Award:
    round = meeting.round
    application = application_make(
        round, contact, status=ApplicationStatus.ELIGIBLE, amount_pence=amount_pence
    )
    if pot is not None:
        application.pot = pot
        application.save(update_fields=["pot"])
    given = 0 if status in (AwardStatus.DECLINED, AwardStatus.NOT_FUNDED) else amount_pence
    return Award.objects.create(
        application=application,
        pot=application.pot,
        meeting=meeting,
        status=status,
        amount_pence=given,
        proposed_pence=given,
        condition="Send us a photo." if status == AwardStatus.PARTIAL else "",
        reason="Not this time." if status == AwardStatus.DECLINED else "",
        is_final=is_final,
    )


def funded_make(
    organisation,
    *,
    phase: str = RoundPhase.AWARDS,
    decided_on: datetime.date | None = None,
    amount_pence: int = 50_000,
    contact_email: str = "group@example.org",
) -> Funded:
    """A round past its final decision, with one funded group and one young panel member."""
    staff = factories.member_make(organisation, Role.STAFF)
    round = round_make(organisation, phase=phase)
    member = factories.member_make(organisation, Role.PANEL_MEMBER)
    PanelMember.objects.create(round=round, user=member, number=1, is_chair=True)
    contact = factories.member_make(organisation, Role.APPLICANT_CONTACT, email=contact_email)
    meeting = final_meeting(round, member, decided_on=decided_on)
    award = award_make(meeting, contact, amount_pence=amount_pence)
    return Funded(round, staff, contact, member, award, meeting)


def draft_of(**fields) -> ReportDraft:
    defaults = {
        "what_happened": "We ran four football camps in the park.",
        "young_people_count": 24,
        "story": "Amir scored his first goal and the whole camp cheered.",
        "story_is_public": False,
        "returned_pence": 0,
    }
    return ReportDraft(**{**defaults, **fields})


def sent_report(award: Award, **fields):
    report = report_save(award=award, draft=draft_of(**fields), by=award.application.contact)
    return report_send(report=report, by=award.application.contact)


def uploaded(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def photo_bytes(kind: str = "JPEG", *, gps: bool = True, orientation: int = 6) -> bytes:
    """A real picture made by Pillow, with where it was taken and which way up in its EXIF."""
    from PIL import Image

    picture = Image.new("RGB", (40, 20), (29, 92, 99))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    if gps:
        exif[0x8825] = {1: "N", 2: (55.0, 51.0, 30.0), 3: "W", 4: (4.0, 15.0, 10.0)}
    buffer = io.BytesIO()
    picture.save(buffer, kind, exif=exif.tobytes())
    return buffer.getvalue()
