"""Youth Bank: funds, rounds, pots per area, criteria, questions and applications.

Money is whole pence in integers (`_pence` fields), never floats; the database
itself refuses negative amounts and a pot whose smallest grant is above its
largest. Part 2 (decisions, awards, payments) adds its rows beside these.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from thegither.accounts.models import AgeBand, Area, Organisation

FUND_NAME_MAX = 120
ROUND_NAME_MAX = 120
LONG_TEXT_MAX = 3000
SHORT_TEXT_MAX = 500
SUMMARY_MAX = 500
# The public summary is counted in words: long enough to say what it is, short enough to read.
SUMMARY_WORDS_MIN = 30
SUMMARY_WORDS_MAX = 50
CRITERION_WEIGHT_MAX = 5
BUDGET_LINES_MAX = 12
QUESTIONS_MAX = 10
CRITERIA_MAX = 10
# No pot, grant or application is bigger than this (one million pounds): it keeps sums in range.
MONEY_MAX_PENCE = 100_000_000
# How long a group has to accept its award after the decision, unless the round says otherwise.
ACCEPT_WITHIN_DAYS_DEFAULT = 28
ACCEPT_WITHIN_DAYS_MAX = 365


class RoundPhase(models.TextChoices):
    DRAFT = "draft", _("Being set up")
    OPEN = "open", _("Open for applications")
    SCREENING = "screening", _("Checking applications")
    ASSESSMENT = "assessment", _("Panel reading and scoring")
    DECISION = "decision", _("Panel deciding")
    AWARDS = "awards", _("Giving out grants")
    FOLLOW_UP = "follow-up", _("Follow-up reports")
    CLOSED = "closed", _("Closed")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Not sent yet")
    SUBMITTED = "submitted", _("Sent")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ELIGIBLE = "eligible", _("Going to the panel")
    NOT_ELIGIBLE = "not-eligible", _("Not able to go to the panel")


# Deciding: how votes become money, the meeting, votes, and the awards it makes.


class DecisionMethod(models.TextChoices):
    SCORES = "scores", _("The panel's scores (highest weighted total first)")
    APPROVAL = "approval", _("Votes in the meeting (each member ticks the ones they support)")


class AllocationRule(models.TextChoices):
    GREEDY = "greedy", _("Most support first, while the money lasts")
    MES = "mes", _("Equal shares (every member's share pays for what they support)")


class Fund(models.Model):
    """Money an organisation gives out in rounds, such as its Youth Bank."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="funds")
    name = models.CharField(_("name"), max_length=FUND_NAME_MAX)
    description = models.TextField(_("what the fund is for"), max_length=SHORT_TEXT_MAX, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="grants_fund_name_unique_in_organisation"
            )
        ]
        verbose_name = _("fund")
        verbose_name_plural = _("funds")

    def __str__(self) -> str:
        return self.name


class Round(models.Model):
    """One round of a fund ("Spring 2027"), moved through its phases by staff."""

    Phase = RoundPhase

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(_("name"), max_length=ROUND_NAME_MAX)
    what_it_funds = models.TextField(_("what it funds"), max_length=LONG_TEXT_MAX, blank=True)
    who_can_apply = models.TextField(_("who can apply"), max_length=LONG_TEXT_MAX, blank=True)
    opens_on = models.DateField(_("opens for applications on"), null=True, blank=True)
    closes_on = models.DateField(_("last day to apply"), null=True, blank=True)
    decision_on = models.DateField(_("panel decides by"), null=True, blank=True)
    phase = models.CharField(_("step"), max_length=12, choices=Phase.choices, default=Phase.DRAFT)
    phase_changed_at = models.DateTimeField(null=True, blank=True)
    # How votes become money in each pot: chosen before the decision meeting opens.
    decision_method = models.CharField(
        _("how the panel decides"),
        max_length=10,
        choices=DecisionMethod.choices,
        default=DecisionMethod.APPROVAL,
    )
    allocation_rule = models.CharField(
        _("how the money is shared out"),
        max_length=10,
        choices=AllocationRule.choices,
        default=AllocationRule.MES,
    )
    # The share of the panel that must be at the meeting to decide: 50 is half.
    quorum_percent = models.PositiveSmallIntegerField(
        _("how much of the panel must be at the meeting (per cent)"), default=50
    )
    # Each funded group's end-of-grant report is due this many days after the decision.
    report_due_days = models.PositiveSmallIntegerField(
        _("reports are due this many days after the decision"), default=90
    )
    # Money: each award must be accepted within this many days of the decision.
    accept_within_days = models.PositiveSmallIntegerField(
        _("days a group has to accept its award"), default=ACCEPT_WITHIN_DAYS_DEFAULT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "name"], name="grants_round_name_unique_in_fund"
            ),
            models.CheckConstraint(
                condition=Q(phase__in=RoundPhase.values),
                name="grants_round_phase_known",
            ),
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True)
                | Q(closes_on__isnull=True)
                | Q(closes_on__gte=F("opens_on")),
                name="grants_round_closes_after_it_opens",
            ),
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True)
                | Q(decision_on__isnull=True)
                | Q(decision_on__gte=F("closes_on")),
                name="grants_round_decides_after_it_closes",
            ),
            models.CheckConstraint(
                condition=Q(decision_method__in=DecisionMethod.values),
                name="grants_round_decision_method_known",
            ),
            models.CheckConstraint(
                condition=Q(allocation_rule__in=AllocationRule.values),
                name="grants_round_allocation_rule_known",
            ),
            models.CheckConstraint(
                condition=Q(quorum_percent__gte=1) & Q(quorum_percent__lte=100),
                name="grants_round_quorum_1_to_100",
            ),
            models.CheckConstraint(
                condition=Q(report_due_days__gte=1) & Q(report_due_days__lte=730),
                name="grants_round_report_due_1_to_730_days",
            ),
            models.CheckConstraint(
                condition=Q(accept_within_days__gte=1)
                & Q(accept_within_days__lte=ACCEPT_WITHIN_DAYS_MAX),
                name="grants_round_accept_within_1_to_365",
            ),
        ]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")

    def __str__(self) -> str:
        return f"{self.fund} – {self.name}"

    @property
    def organisation(self) -> Organisation:
        return self.fund.organisation

    @property
    def is_draft(self) -> bool:
        return self.phase == self.Phase.DRAFT

    @property
    def is_open(self) -> bool:
        return self.phase == self.Phase.OPEN


PHASE_ORDER = RoundPhase.values


class Pot(models.Model):
    """The money a round has for one area, and the smallest and largest grant from it."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="pots")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="grant_pots")
    amount_pence = models.PositiveBigIntegerField(_("money in the pot"))
    min_grant_pence = models.PositiveBigIntegerField(_("smallest grant"))
    max_grant_pence = models.PositiveBigIntegerField(_("largest grant"))

    class Meta:
        ordering = ["area__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "area"], name="grants_pot_one_per_area"),
            models.CheckConstraint(
                condition=Q(amount_pence__gte=0), name="grants_pot_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(min_grant_pence__gte=0), name="grants_pot_min_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(max_grant_pence__gte=0), name="grants_pot_max_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(min_grant_pence__lte=F("max_grant_pence")),
                name="grants_pot_min_not_above_max",
            ),
            models.CheckConstraint(
                condition=Q(max_grant_pence__lte=F("amount_pence")),
                name="grants_pot_max_not_above_amount",
            ),
        ]
        verbose_name = _("pot")
        verbose_name_plural = _("pots")

    def __str__(self) -> str:
        return f"{self.round} – {self.area}"


class Criterion(models.Model):
    """Something the panel looks for in an application, in plain words, with a weight."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria")
    title = models.CharField(_("title"), max_length=120)
    meaning = models.TextField(_("what it means"), max_length=SHORT_TEXT_MAX)
    weight = models.PositiveSmallIntegerField(_("how much it counts"), default=1)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "title"], name="grants_criterion_title_unique_in_round"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=CRITERION_WEIGHT_MAX),
                name="grants_criterion_weight_1_to_5",
            ),
        ]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """A question of the round's own that every group answers."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=300)
    hint = models.CharField(_("hint"), max_length=300, blank=True)
    required = models.BooleanField(_("must be answered"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "text"], name="grants_question_text_unique_in_round"
            )
        ]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text


class Application(models.Model):
    """A group's application to one round, from its first draft to screening (and on)."""

    Status = ApplicationStatus

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="applications")
    pot = models.ForeignKey(
        Pot,
        on_delete=models.PROTECT,
        related_name="applications",
        null=True,
        blank=True,
        verbose_name=_("area"),
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="grant_applications"
    )
    # Made by the form when it is first shown, so a double click on "Save" makes one draft.
    start_key = models.UUIDField(unique=True)
    group_name = models.CharField(_("group's name"), max_length=120, blank=True)
    group_about = models.TextField(_("about the group"), max_length=LONG_TEXT_MAX, blank=True)
    activity = models.TextField(_("what the activity is"), max_length=LONG_TEXT_MAX, blank=True)
    youth_leadership = models.TextField(
        _("how young people lead it"), max_length=LONG_TEXT_MAX, blank=True
    )
    young_people_count = models.PositiveIntegerField(
        _("how many young people take part"), null=True, blank=True
    )
    age_bands = models.JSONField(_("their ages"), default=list, blank=True)
    summary = models.TextField(_("public summary"), max_length=SUMMARY_MAX, blank=True)
    amount_pence = models.PositiveBigIntegerField(_("amount asked for"), default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    # Made by the "check your answers" page: sending twice with it makes one application.
    submission_key = models.UUIDField(null=True, blank=True, unique=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    screened_at = models.DateTimeField(null=True, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    screening_reason = models.TextField(
        _("reason the group sees"), max_length=SHORT_TEXT_MAX, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ApplicationStatus.values),
                name="grants_application_status_known",
            ),
            models.CheckConstraint(
                condition=Q(amount_pence__gte=0), name="grants_application_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "withdrawn"])
                | (
                    Q(submitted_at__isnull=False)
                    & Q(submission_key__isnull=False)
                    & Q(pot__isnull=False)
                ),
                name="grants_application_sent_has_key_and_pot",
            ),
            models.CheckConstraint(
                condition=~Q(status="not-eligible") | ~Q(screening_reason=""),
                name="grants_application_not_eligible_has_reason",
            ),
        ]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return self.group_name or str(_("Untitled application"))

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def age_band_labels(self) -> list[str]:
        labels = dict(AgeBand.choices)
        return [str(labels[band]) for band in self.age_bands if band in labels]


class BudgetLine(models.Model):
    """One thing the money is for, and what it costs."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="budget_lines"
    )
    item = models.CharField(_("what it is"), max_length=120)
    cost_pence = models.PositiveBigIntegerField(_("cost"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost_pence__gte=0), name="grants_budgetline_cost_not_negative"
            )
        ]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")

    def __str__(self) -> str:
        return self.item


class Answer(models.Model):
    """A group's answer to one of the round's own questions."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(_("answer"), max_length=LONG_TEXT_MAX, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "question"], name="grants_answer_one_per_question"
            )
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.application} – {self.question}"


UPLOAD_MAX_BYTES = 10 * 1024 * 1024
UPLOADS_MAX = 5


class UploadKind(models.TextChoices):
    PDF = "pdf", _("PDF")
    JPEG = "jpg", _("JPEG picture")
    PNG = "png", _("PNG picture")
    DOCX = "docx", _("Word document")
    XLSX = "xlsx", _("Excel spreadsheet")


# What each kind is, read from a file's content by libmagic, and what it is served as.
UPLOAD_CONTENT_TYPES = {
    "application/pdf": UploadKind.PDF,
    "image/jpeg": UploadKind.JPEG,
    "image/png": UploadKind.PNG,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": UploadKind.DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": UploadKind.XLSX,
}
CONTENT_TYPE_OF_KIND = {kind: content_type for content_type, kind in UPLOAD_CONTENT_TYPES.items()}


class Upload(models.Model):
    """A file a group adds to its application, checked by what is inside it.

    It is stored under a new random name in the media folder, which no address
    serves: only the download page does, after checking who is asking.
    """

    Kind = UploadKind

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="uploads")
    file = models.FileField(upload_to="grant-uploads/", max_length=200)
    # The name the group gave the file, cleaned: shown to whoever may see the application.
    name = models.CharField(_("file name"), max_length=120)
    kind = models.CharField(_("kind of file"), max_length=4, choices=UploadKind.choices)
    size_bytes = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=UploadKind.values), name="grants_upload_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(size_bytes__lte=UPLOAD_MAX_BYTES), name="grants_upload_at_most_10_mb"
            ),
        ]
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")

    def __str__(self) -> str:
        return self.name

    @property
    def size_for_people(self) -> str:
        if self.size_bytes >= 1024 * 1024:
            return _("%(size).1f MB") % {"size": self.size_bytes / (1024 * 1024)}
        return _("%(size)s KB") % {"size": max(1, round(self.size_bytes / 1024))}


CONFLICT_REASON_MAX = 300


class PanelMember(models.Model):
    """A young person on a round's panel; one of them may be its chair."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="panel_members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="grant_panels"
    )
    is_chair = models.BooleanField(_("chair"), default=False)
    # What groups, the public and other members see instead of a name: "Panel member 3".
    number = models.PositiveSmallIntegerField(_("number on the panel"))
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "user"], name="grants_panelmember_once_per_round"
            ),
            models.UniqueConstraint(
                fields=["round"],
                condition=Q(is_chair=True),
                name="grants_panelmember_one_chair_per_round",
            ),
            models.UniqueConstraint(
                fields=["round", "number"], name="grants_panelmember_number_unique_in_round"
            ),
        ]
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")

    def __str__(self) -> str:
        return f"{self.round} – {self.pseudonym}"

    @property
    def pseudonym(self) -> str:
        """The name everyone but staff sees: young people's names are never shown."""
        return _("Panel member %(number)s") % {"number": self.number}


class ConflictDeclaration(models.Model):
    """A panel member saying whether they know the group behind an application."""

    panel_member = models.ForeignKey(
        PanelMember, on_delete=models.CASCADE, related_name="declarations"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="conflict_declarations"
    )
    has_conflict = models.BooleanField(_("knows this group"))
    reason = models.CharField(_("why"), max_length=CONFLICT_REASON_MAX, blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["panel_member", "application"],
                name="grants_conflict_once_per_member_and_application",
            ),
            models.CheckConstraint(
                condition=Q(has_conflict=False) | ~Q(reason=""),
                name="grants_conflict_has_reason",
            ),
        ]
        verbose_name = _("conflict declaration")
        verbose_name_plural = _("conflict declarations")

    def __str__(self) -> str:
        return f"{self.panel_member} – {self.application}"


SCORE_MIN = 1
SCORE_MAX = 5
SCORE_COMMENT_MAX = 500
NOTES_MAX = 3000


class Assessment(models.Model):
    """One panel member's scoring of one application: their notes, and whether it's done.

    It is finished when every criterion has a score; only finished ones count in the
    score review, and a member sees others' scores on an application once theirs is.
    """

    panel_member = models.ForeignKey(
        PanelMember, on_delete=models.CASCADE, related_name="assessments"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assessments"
    )
    notes = models.TextField(_("notes from a visit or interview"), max_length=NOTES_MAX, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["panel_member", "application"],
                name="grants_assessment_once_per_member_and_application",
            )
        ]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"{self.panel_member.pseudonym} – {self.application}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


class Score(models.Model):
    """A panel member's score for one application against one criterion, 1 to 5."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField(_("score"))
    comment = models.CharField(_("comment"), max_length=SCORE_COMMENT_MAX, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="grants_score_once_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=SCORE_MIN) & Q(value__lte=SCORE_MAX),
                name="grants_score_1_to_5",
            ),
        ]
        verbose_name = _("score")
        verbose_name_plural = _("scores")

    def __str__(self) -> str:
        return f"{self.assessment} – {self.criterion}: {self.value}"


def quorum_of(panel_size: int, percent: int) -> int:
    """How many members must be there: the share of the panel, rounded up, at least one."""
    return max(1, -(-panel_size * percent // 100))


class MeetingStatus(models.TextChoices):
    OPEN = "open", _("Meeting now")
    FINAL = "final", _("Decided")


class DecisionMeeting(models.Model):
    """The panel's decision meeting for a round: opened and confirmed by the chair."""

    Status = MeetingStatus

    round = models.OneToOneField(Round, on_delete=models.PROTECT, related_name="meeting")
    status = models.CharField(
        _("status"), max_length=8, choices=MeetingStatus.choices, default=MeetingStatus.OPEN
    )
    # The rules as they were when the meeting opened: they can't change after.
    method = models.CharField(max_length=10, choices=DecisionMethod.choices)
    rule = models.CharField(max_length=10, choices=AllocationRule.choices)
    quorum = models.PositiveSmallIntegerField(_("members needed to decide"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MeetingStatus.values), name="grants_meeting_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status="final")
                | (Q(confirmed_by__isnull=False) & Q(confirmed_at__isnull=False)),
                name="grants_meeting_final_is_confirmed",
            ),
            models.CheckConstraint(condition=Q(quorum__gte=1), name="grants_meeting_quorum_1"),
        ]
        verbose_name = _("decision meeting")
        verbose_name_plural = _("decision meetings")

    def __str__(self) -> str:
        return f"{self.round} – {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status == MeetingStatus.OPEN

    @property
    def is_final(self) -> bool:
        return self.status == MeetingStatus.FINAL


class Attendance(models.Model):
    """A panel member the chair marked as at the meeting."""

    meeting = models.ForeignKey(
        DecisionMeeting, on_delete=models.CASCADE, related_name="attendances"
    )
    panel_member = models.ForeignKey(
        PanelMember, on_delete=models.CASCADE, related_name="attendances"
    )
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "panel_member"], name="grants_attendance_once_per_member"
            )
        ]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")

    def __str__(self) -> str:
        return f"{self.meeting} – {self.panel_member.pseudonym}"


class Vote(models.Model):
    """A member's tick for an application in the meeting: "I support this one"."""

    meeting = models.ForeignKey(DecisionMeeting, on_delete=models.CASCADE, related_name="votes")
    panel_member = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="votes")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="votes")
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["panel_member", "application"], name="grants_vote_once_per_application"
            )
        ]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")

    def __str__(self) -> str:
        return f"{self.panel_member.pseudonym} – {self.application}"


class PotAllocation(models.Model):
    """The engine's proposal for one pot at the meeting, and any tie left to settle."""

    meeting = models.ForeignKey(
        DecisionMeeting, on_delete=models.CASCADE, related_name="allocations"
    )
    pot = models.OneToOneField(Pot, on_delete=models.CASCADE, related_name="allocation")
    rule = models.CharField(max_length=10, choices=AllocationRule.choices)
    method = models.CharField(max_length=10, choices=DecisionMethod.choices)
    # Applications whose funding turns on the order of a tie: the chair's casting vote settles it.
    tied = models.JSONField(default=list, blank=True)
    voters = models.PositiveSmallIntegerField(default=0)
    settings = models.JSONField(default=dict, blank=True)
    proposed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pot allocation")
        verbose_name_plural = _("pot allocations")

    def __str__(self) -> str:
        return f"{self.pot}: {self.rule}"

    @property
    def has_tie(self) -> bool:
        return bool(self.tied)


class CastingVote(models.Model):
    """The chair settling a tie in one pot: this application goes first."""

    allocation = models.ForeignKey(
        PotAllocation, on_delete=models.CASCADE, related_name="casting_votes"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="casting_votes"
    )
    tied_with = models.JSONField(default=list)
    position = models.PositiveSmallIntegerField()
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["allocation", "application"], name="grants_casting_vote_once"
            ),
            models.UniqueConstraint(
                fields=["allocation", "position"], name="grants_casting_vote_position_unique"
            ),
        ]
        verbose_name = _("casting vote")
        verbose_name_plural = _("casting votes")

    def __str__(self) -> str:
        return f"{self.allocation}: {self.application}"


class AwardStatus(models.TextChoices):
    PROPOSED = "proposed", _("Funded in the proposal")
    NOT_FUNDED = "not-funded", _("Not funded in the proposal")
    PARTIAL = "partial", _("Part of the money, with a condition")
    AWARDED = "awarded", _("Awarded")
    DECLINED = "declined", _("Not funded")
    # After the decision: the money goes back to the pot (decision 0058).
    WITHDRAWN = "withdrawn", _("Withdrawn by the group")
    LAPSED = "lapsed", _("Not accepted in time")


# The statuses whose money comes out of the pot.
AWARD_STATUSES_WITH_MONEY = (AwardStatus.PROPOSED, AwardStatus.PARTIAL, AwardStatus.AWARDED)
# The statuses a final award has when its money went back to the pot.
AWARD_STATUSES_ENDED = (AwardStatus.WITHDRAWN, AwardStatus.LAPSED)
AWARD_REASON_MAX = 500


class Award(models.Model):
    """What the panel decides for one application, and why: one row per application.

    Made by the proposal, changed by the panel (part of the money with a condition,
    or a decline with a reason), and final when the chair confirms. Later steps
    (acceptance, payments, withdrawal and re-offer) add their own rows and
    fields beside it; `position` keeps the order the engine chose them in.
    """

    Status = AwardStatus

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="award")
    pot = models.ForeignKey(Pot, on_delete=models.PROTECT, related_name="awards")
    meeting = models.ForeignKey(DecisionMeeting, on_delete=models.PROTECT, related_name="awards")
    status = models.CharField(_("status"), max_length=12, choices=AwardStatus.choices)
    amount_pence = models.PositiveBigIntegerField(_("amount"), default=0)
    proposed_pence = models.PositiveBigIntegerField(_("amount in the proposal"), default=0)
    condition = models.CharField(_("condition"), max_length=AWARD_REASON_MAX, blank=True)
    reason = models.CharField(_("reason"), max_length=AWARD_REASON_MAX, blank=True)
    # The engine's own explanation: a reason code and its numbers (the words are grants').
    engine_reason = models.CharField(max_length=40, blank=True)
    engine_details = models.JSONField(default=dict, blank=True)
    support = models.PositiveIntegerField(_("support"), default=0)
    position = models.PositiveSmallIntegerField(null=True, blank=True)
    is_final = models.BooleanField(default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)
    # Money after the decision (decision 0058): accepting, withdrawing, lapsing, re-offering.
    # Not funded by the engine (not said no to by the panel): money coming back may go to it.
    on_waiting_list = models.BooleanField(_("on the waiting list"), default=False)
    accept_by = models.DateField(_("accept by"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted on"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(_("withdrawn or lapsed on"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    end_reason = models.CharField(
        _("why it was withdrawn or lapsed"), max_length=AWARD_REASON_MAX, blank=True
    )
    reoffer = models.ForeignKey(
        "ReOffer", on_delete=models.PROTECT, null=True, blank=True, related_name="awards"
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_pence__gte=0), name="grants_award_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AwardStatus.values), name="grants_award_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status="partial") | ~Q(condition=""),
                name="grants_award_partial_has_condition",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | (~Q(reason="") & Q(amount_pence=0)),
                name="grants_award_declined_has_reason_and_no_money",
            ),
            models.CheckConstraint(
                condition=~Q(status="not-funded") | Q(amount_pence=0),
                name="grants_award_not_funded_has_no_money",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["withdrawn", "lapsed"])
                | (Q(is_final=True) & Q(ended_at__isnull=False) & ~Q(end_reason="")),
                name="grants_award_ended_is_final_with_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="lapsed") | Q(accepted_at__isnull=True),
                name="grants_award_lapsed_was_not_accepted",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True)
                | (Q(is_final=True) & Q(status__in=["awarded", "partial", "withdrawn"])),
                name="grants_award_accepted_is_final_with_money",
            ),
        ]
        verbose_name = _("award")
        verbose_name_plural = _("awards")

    def __str__(self) -> str:
        return f"{self.application} – {self.get_status_display()}"

    @property
    def has_money(self) -> bool:
        return self.status in AWARD_STATUSES_WITH_MONEY

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None

    @property
    def has_ended(self) -> bool:
        return self.status in AWARD_STATUSES_ENDED


# Reports after the grant: each funded group says what happened, and the panel reads it.

REPORT_DUE_DAYS_MAX = 730
# The reminder before a report is due goes this many days before the due date.
REPORT_REMINDER_DAYS_BEFORE = 14
REPORT_STORY_MAX = 1500
REPORT_THANKS_MAX = 1000
REPORT_CAPTION_MAX = 200
# Photos and receipts: at most this many of each on one report.
REPORT_FILES_MAX = 10
YOUNG_PEOPLE_MAX = 100_000


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Being written")
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Read by the panel")


class Report(models.Model):
    """A funded group's end-of-grant report: what happened, a story, photos, receipts.

    Saved as a draft as often as the group likes, then sent; once sent it is read-only
    for the group. Money the group didn't spend is kept here as returned (in pence).
    """

    Status = ReportStatus

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="report")
    what_happened = models.TextField(_("what happened"), max_length=LONG_TEXT_MAX, blank=True)
    young_people_count = models.PositiveIntegerField(
        _("how many young people took part"), null=True, blank=True
    )
    story = models.TextField(_("a short story"), max_length=REPORT_STORY_MAX, blank=True)
    story_is_public = models.BooleanField(_("the story may be shown publicly"), default=False)
    # None until the group says: 0 means they spent it all.
    returned_pence = models.PositiveBigIntegerField(
        _("money not spent, returned"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    thanks = models.TextField(_("thank-you note"), max_length=REPORT_THANKS_MAX, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="grants_report_status_known"
            ),
            models.CheckConstraint(
                condition=Q(young_people_count__isnull=True)
                | Q(young_people_count__lte=YOUNG_PEOPLE_MAX),
                name="grants_report_young_people_bounded",
            ),
            models.CheckConstraint(
                condition=Q(returned_pence__isnull=True)
                | (Q(returned_pence__gte=0) & Q(returned_pence__lte=MONEY_MAX_PENCE)),
                name="grants_report_returned_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (
                    Q(sent_at__isnull=False)
                    & Q(young_people_count__isnull=False)
                    & Q(returned_pence__isnull=False)
                    & ~Q(what_happened="")
                ),
                name="grants_report_sent_is_complete",
            ),
            models.CheckConstraint(
                condition=~Q(status="acknowledged") | Q(acknowledged_at__isnull=False),
                name="grants_report_acknowledged_has_time",
            ),
            models.CheckConstraint(
                condition=Q(story_is_public=False) | ~Q(story=""),
                name="grants_report_public_story_is_written",
            ),
        ]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.award.application} – {self.get_status_display()}"

    @property
    def is_draft(self) -> bool:
        return self.status == ReportStatus.DRAFT


class ReportFilePurpose(models.TextChoices):
    PHOTO = "photo", _("Photo")
    RECEIPT = "receipt", _("Receipt")


class ReportFileKind(models.TextChoices):
    JPEG = "jpg", _("JPEG picture")
    PNG = "png", _("PNG picture")
    WEBP = "webp", _("WebP picture")
    PDF = "pdf", _("PDF")


# What each kind is, read from a file's content by libmagic, and what it is served as.
REPORT_PHOTO_TYPES = {
    "image/jpeg": ReportFileKind.JPEG,
    "image/png": ReportFileKind.PNG,
    "image/webp": ReportFileKind.WEBP,
}
REPORT_RECEIPT_TYPES = {**REPORT_PHOTO_TYPES, "application/pdf": ReportFileKind.PDF}
CONTENT_TYPE_OF_REPORT_KIND = {kind: type_ for type_, kind in REPORT_RECEIPT_TYPES.items()}
REPORT_PHOTO_KINDS = (ReportFileKind.JPEG, ReportFileKind.PNG, ReportFileKind.WEBP)


class ReportFile(models.Model):
    """A photo or a receipt on a report, checked by what is inside it.

    Stored under a new random name in the media folder, which no address serves: only
    the report's own file page does, after checking who is asking. A photo with people
    in it is taken only with the group's word that everyone in it said yes.
    """

    Purpose = ReportFilePurpose
    Kind = ReportFileKind

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="files")
    purpose = models.CharField(_("photo or receipt"), max_length=8, choices=Purpose.choices)
    file = models.FileField(upload_to="grant-reports/", max_length=200)
    name = models.CharField(_("file name"), max_length=120)
    kind = models.CharField(_("kind of file"), max_length=4, choices=Kind.choices)
    size_bytes = models.PositiveIntegerField(_("size"))
    caption = models.CharField(_("what is in it"), max_length=REPORT_CAPTION_MAX, blank=True)
    has_people = models.BooleanField(_("there are people in this photo"), default=False)
    # Everyone in it (and a grown-up for anyone under 16) said yes to sharing it.
    consent = models.BooleanField(_("everyone in it said yes"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose__in=ReportFilePurpose.values),
                name="grants_reportfile_purpose_known",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReportFileKind.values), name="grants_reportfile_kind_known"
            ),
            models.CheckConstraint(
                condition=~Q(purpose="photo") | Q(kind__in=["jpg", "png", "webp"]),
                name="grants_reportfile_photo_is_a_picture",
            ),
            models.CheckConstraint(
                condition=Q(has_people=False) | Q(consent=True),
                name="grants_reportfile_people_said_yes",
            ),
            models.CheckConstraint(
                condition=Q(purpose="photo") | (Q(has_people=False) & Q(consent=False)),
                name="grants_reportfile_receipt_has_no_people",
            ),
            models.CheckConstraint(
                condition=Q(size_bytes__lte=UPLOAD_MAX_BYTES),
                name="grants_reportfile_at_most_10_mb",
            ),
        ]
        verbose_name = _("report file")
        verbose_name_plural = _("report files")

    def __str__(self) -> str:
        return self.name

    @property
    def is_photo(self) -> bool:
        return self.purpose == ReportFilePurpose.PHOTO

    @property
    def size_for_people(self) -> str:
        if self.size_bytes >= 1024 * 1024:
            return _("%(size).1f MB") % {"size": self.size_bytes / (1024 * 1024)}
        return _("%(size)s KB") % {"size": max(1, round(self.size_bytes / 1024))}


class ReportReminderKind(models.TextChoices):
    DUE_SOON = "due-soon", _("Report due soon")
    OVERDUE = "overdue", _("Report overdue")


class ReportReminder(models.Model):
    """A reminder email sent to a group about its report: one of each kind per due date.

    The row is made before the email goes, so the same reminder is never sent twice.
    """

    Kind = ReportReminderKind

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="report_reminders")
    kind = models.CharField(_("reminder"), max_length=10, choices=ReportReminderKind.choices)
    due_on = models.DateField(_("report due on"))
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "kind", "due_on"], name="grants_report_reminder_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReportReminderKind.values),
                name="grants_report_reminder_kind_known",
            ),
        ]
        verbose_name = _("report reminder")
        verbose_name_plural = _("report reminders")

    def __str__(self) -> str:
        return f"{self.award.application} – {self.get_kind_display()} ({self.due_on})"


# Letters: the award or decline letter each group gets once the decision is final.


class LetterKind(models.TextChoices):
    AWARD = "award", _("Award letter")
    DECLINE = "decline", _("Letter saying no")


class Letter(models.Model):
    """The PDF letter for one final award, and when it was emailed to the group.

    `sent_at` is the record that makes sending safe to repeat: a task that runs
    again for a letter already sent sends nothing (decision 0059).
    """

    Kind = LetterKind

    award = models.OneToOneField(Award, on_delete=models.CASCADE, related_name="letter")
    kind = models.CharField(_("kind"), max_length=8, choices=LetterKind.choices)
    file = models.FileField(upload_to="grant-letters/", max_length=200, blank=True)
    made_at = models.DateTimeField(_("made on"), null=True, blank=True)
    # Set by the one task that is emailing it, so a second copy of the task waits its turn.
    sending_since = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("emailed on"), null=True, blank=True)
    # The last thing that went wrong making or sending it, in words for staff.
    problem = models.CharField(_("problem"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=LetterKind.values), name="grants_letter_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(made_at__isnull=False),
                name="grants_letter_sent_only_once_made",
            ),
        ]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")

    def __str__(self) -> str:
        return f"{self.award.application} – {self.get_kind_display()}"

    @property
    def is_made(self) -> bool:
        return bool(self.file) and self.made_at is not None


# Money after the decision (decision 0058): payments, money moved between pots, re-offers.

PAYMENT_REFERENCE_MAX = 100
MONEY_REASON_MAX = AWARD_REASON_MAX


class Payment(models.Model):
    """Money staff paid to a group for its award. Cancelled ones stay, and don't count."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="payments")
    # Made when the form is shown, so a double click on "Record" records one payment.
    entry_key = models.UUIDField(unique=True)
    paid_on = models.DateField(_("paid on"))
    amount_pence = models.PositiveBigIntegerField(_("amount"))
    reference = models.CharField(_("reference"), max_length=PAYMENT_REFERENCE_MAX)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled on"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(
        _("why it was cancelled"), max_length=MONEY_REASON_MAX, blank=True
    )

    class Meta:
        ordering = ["paid_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_pence__gt=0), name="grants_payment_amount_positive"
            ),
            models.CheckConstraint(
                condition=(
                    Q(cancelled_at__isnull=True)
                    & Q(cancelled_by__isnull=True)
                    & Q(cancel_reason="")
                )
                | (
                    Q(cancelled_at__isnull=False)
                    & Q(cancelled_by__isnull=False)
                    & ~Q(cancel_reason="")
                ),
                name="grants_payment_cancelled_has_reason",
            ),
            models.CheckConstraint(condition=~Q(reference=""), name="grants_payment_has_reference"),
        ]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return f"{self.award.application} – {self.paid_on}: {self.amount_pence}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class PotTransfer(models.Model):
    """Money left in one area's pot after the decision, moved by staff to another area's pot."""

    from_pot = models.ForeignKey(Pot, on_delete=models.PROTECT, related_name="transfers_out")
    to_pot = models.ForeignKey(Pot, on_delete=models.PROTECT, related_name="transfers_in")
    # Made when the form is shown, so a double click on "Move" moves the money once.
    entry_key = models.UUIDField(unique=True)
    amount_pence = models.PositiveBigIntegerField(_("amount"))
    reason = models.CharField(_("reason"), max_length=MONEY_REASON_MAX)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["made_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_pence__gt=0), name="grants_pottransfer_amount_positive"
            ),
            models.CheckConstraint(
                condition=~Q(from_pot=F("to_pot")), name="grants_pottransfer_two_pots"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="grants_pottransfer_has_reason"),
        ]
        verbose_name = _("money moved between pots")
        verbose_name_plural = _("money moved between pots")

    def __str__(self) -> str:
        return f"{self.from_pot} → {self.to_pot}: {self.amount_pence}"


class ReOffer(models.Model):
    """The panel offering money that came back to a pot to its waiting list, engine re-run."""

    pot = models.ForeignKey(Pot, on_delete=models.PROTECT, related_name="reoffers")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)
    left_before_pence = models.PositiveBigIntegerField(_("money left before"))
    given_pence = models.PositiveBigIntegerField(_("money given"))
    # The engine's answer for every application on the waiting list, as it was shown.
    results = models.JSONField(default=list)

    class Meta:
        ordering = ["made_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(given_pence__gt=0) & Q(given_pence__lte=F("left_before_pence")),
                name="grants_reoffer_gives_within_what_was_left",
            )
        ]
        verbose_name = _("re-offer")
        verbose_name_plural = _("re-offers")

    def __str__(self) -> str:
        return f"{self.pot}: {self.given_pence}"
