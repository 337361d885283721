"""The admin shows Youth Bank rows and changes none of them (decision 0028)."""

from django.contrib import admin

from thegither.core.admin import ReadOnlyAdmin
from thegither.grants.models import (
    Application,
    ApplicationStatus,
    Assessment,
    Attendance,
    Award,
    CastingVote,
    ConflictDeclaration,
    Criterion,
    DecisionMeeting,
    Fund,
    Letter,
    PanelMember,
    Payment,
    Pot,
    PotAllocation,
    PotTransfer,
    Question,
    ReOffer,
    Report,
    ReportFile,
    ReportReminder,
    Round,
    Score,
    Upload,
    Vote,
)
from thegither.grants.permissions import applications_with_visible_scores


@admin.register(Fund)
class FundAdmin(ReadOnlyAdmin):
    list_display = ["name", "organisation"]


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ["name", "fund", "phase", "opens_on", "closes_on"]
    list_filter = ["phase"]


@admin.register(Pot)
class PotAdmin(ReadOnlyAdmin):
    list_display = ["round", "area", "amount_pence", "min_grant_pence", "max_grant_pence"]


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    list_display = ["title", "round", "weight"]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["text", "round", "required"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["group_name", "round", "pot", "status", "amount_pence", "submitted_at"]
    list_filter = ["status"]
    # Budget lines and answers show on the application's own page for staff, with the
    # permission check; the admin lists the rows only.
    exclude = ["start_key", "submission_key"]


@admin.register(Upload)
class UploadAdmin(ReadOnlyAdmin):
    # No link to the file: downloads go through the page that checks who is asking.
    list_display = ["name", "application", "kind", "size_bytes", "created_at"]
    exclude = ["file"]


@admin.register(PanelMember)
class PanelMemberAdmin(ReadOnlyAdmin):
    list_display = ["round", "number", "user", "is_chair", "added_at"]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ReadOnlyAdmin):
    list_display = ["application", "panel_member", "has_conflict", "reason", "declared_at"]
    list_filter = ["has_conflict"]


class ScoresFollowTheConflictRule(ReadOnlyAdmin):
    """List only the rows whose application's scores this person may see (`can_see_scores`)."""

    application_field = "application"

    def get_queryset(self, request):
        going_to_panel = Application.objects.filter(
            status=ApplicationStatus.ELIGIBLE
        ).select_related("round__fund__organisation")
        visible = applications_with_visible_scores(request.user, going_to_panel)
        return super().get_queryset(request).filter(**{f"{self.application_field}__in": visible})


@admin.register(Assessment)
class AssessmentAdmin(ScoresFollowTheConflictRule):
    list_display = ["application", "panel_member", "finished_at", "changed_at"]


@admin.register(Score)
class ScoreAdmin(ScoresFollowTheConflictRule):
    application_field = "assessment__application"
    list_display = ["assessment", "criterion", "value", "comment"]


@admin.register(DecisionMeeting)
class DecisionMeetingAdmin(ReadOnlyAdmin):
    list_display = ["round", "status", "method", "rule", "quorum", "opened_at", "confirmed_at"]
    list_filter = ["status"]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "panel_member", "marked_at"]


@admin.register(Vote)
class VoteAdmin(ScoresFollowTheConflictRule):
    # Votes are shown like scores: only where this person may see the application's scores.
    list_display = ["application", "panel_member", "cast_at"]


@admin.register(PotAllocation)
class PotAllocationAdmin(ReadOnlyAdmin):
    list_display = ["pot", "rule", "method", "voters", "tied", "proposed_at"]


@admin.register(CastingVote)
class CastingVoteAdmin(ReadOnlyAdmin):
    list_display = ["allocation", "application", "position", "cast_at"]


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    # Money is read-only here (decision 0028): awards change only through the meeting.
    list_display = [
        "application",
        "pot",
        "status",
        "amount_pence",
        "proposed_pence",
        "is_final",
        "accept_by",
        "accepted_at",
    ]
    list_filter = ["status", "is_final"]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    # Money returned is read-only here (decision 0028): reports change only through their pages.
    list_display = [
        "award",
        "status",
        "young_people_count",
        "returned_pence",
        "sent_at",
        "acknowledged_at",
    ]
    list_filter = ["status"]


@admin.register(ReportFile)
class ReportFileAdmin(ReadOnlyAdmin):
    # No link to the file: photos and receipts go through the page that checks who is asking.
    list_display = ["name", "report", "purpose", "kind", "has_people", "consent", "size_bytes"]
    list_filter = ["purpose"]
    exclude = ["file"]


@admin.register(ReportReminder)
class ReportReminderAdmin(ReadOnlyAdmin):
    list_display = ["award", "kind", "due_on", "sent_at"]
    list_filter = ["kind"]


@admin.register(Letter)
class LetterAdmin(ReadOnlyAdmin):
    # The PDF itself is downloaded from the round's letters page, which checks who may.
    list_display = ["award", "kind", "made_at", "sent_at", "problem"]
    list_filter = ["kind"]
    exclude = ["file"]


# Money after the decision (decision 0058): read-only, like awards. Payments, cancellations,
# moves and re-offers happen only on the pages that check permission and lock the rows.


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["award", "paid_on", "amount_pence", "reference", "cancelled_at"]
    list_filter = ["paid_on"]
    exclude = ["entry_key"]


@admin.register(PotTransfer)
class PotTransferAdmin(ReadOnlyAdmin):
    list_display = ["from_pot", "to_pot", "amount_pence", "reason", "made_at"]
    exclude = ["entry_key"]


@admin.register(ReOffer)
class ReOfferAdmin(ReadOnlyAdmin):
    list_display = ["pot", "left_before_pence", "given_pence", "made_at"]
