"""Forms for grants. They parse what people type; services do the checking that matters.

Every field is bounded, so a very long value is an error message, never a crash.
"""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from thegither.accounts.models import AgeBand, Area
from thegither.grants.models import (
    ACCEPT_WITHIN_DAYS_MAX,
    AWARD_REASON_MAX,
    CONFLICT_REASON_MAX,
    CRITERION_WEIGHT_MAX,
    LONG_TEXT_MAX,
    MONEY_REASON_MAX,
    NOTES_MAX,
    PAYMENT_REFERENCE_MAX,
    SCORE_COMMENT_MAX,
    SHORT_TEXT_MAX,
    SUMMARY_MAX,
    SUMMARY_WORDS_MAX,
    SUMMARY_WORDS_MIN,
    AllocationRule,
    Application,
    DecisionMethod,
    Round,
)
from thegither.grants.money import pence_for_typing, pounds_to_pence
from thegither.grants.readability import needs_plainer_words
from thegither.grants.services import ApplicationDraft, ScoreEntry
from thegither.grants.services.scoring import comment_field, score_field

BUDGET_ROWS = 8
LONG_ANSWERS = ("group_about", "activity", "youth_leadership")
READING_HINT = _(
    "Tip: this might be hard for some people to read. Try shorter sentences and everyday words."
)
TOO_LONG = _("Keep this to %(limit_value)s letters or fewer.")


def _text(label, limit, *, required=False, help_text="", rows=None, missing=None, **kwargs):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        help_text=help_text,
        widget=widget,
        error_messages={"max_length": TOO_LONG, "required": missing or _("Fill this in.")},
        **kwargs,
    )


def _date(label):
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Write a real date, like 2027-03-01.")},
    )


def _key():
    return forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Something went wrong with the page. Go back and try again."),
            "invalid": _("Something went wrong with the page. Go back and try again."),
        },
    )


class PoundsField(forms.CharField):
    """Money typed in pounds ("1500" or "£12.50"), cleaned to whole pence."""

    MAX_TYPED = 20

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "maxlength": self.MAX_TYPED})
        attrs["class"] = "input--short"
        return attrs

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if len(value) > self.MAX_TYPED:
            raise ValidationError(_("Write an amount, like 1500."), code="max_length")
        try:
            return pounds_to_pence(value)
        except ValueError as error:
            raise ValidationError(
                _("Write an amount in pounds, like 1500 or 12.50."), code="invalid"
            ) from error

    def prepare_value(self, value):
        if isinstance(value, int):
            return pence_for_typing(value)
        return value


class FundForm(forms.Form):
    name = _text(
        _("Name of the fund"),
        120,
        required=True,
        help_text=_("For example, Youth Bank."),
        missing=_("Give the fund a name."),
    )
    description = _text(_("What the fund is for (optional)"), SHORT_TEXT_MAX, rows=3)


class RoundForm(forms.Form):
    name = _text(
        _("Name of the round"),
        120,
        required=True,
        help_text=_("For example, Spring 2027."),
        missing=_("Give the round a name."),
    )
    what_it_funds = _text(
        _("What it funds"),
        LONG_TEXT_MAX,
        rows=4,
        help_text=_("In plain words, for example: activities young people lead in their area."),
    )
    who_can_apply = _text(
        _("Who can apply"),
        LONG_TEXT_MAX,
        rows=4,
        help_text=_("For example: groups in North West or North East run by volunteers."),
    )
    opens_on = _date(_("Day it opens"))
    closes_on = _date(_("Last day to apply"))
    decision_on = _date(_("Panel decides by (optional)"))

    @classmethod
    def for_round(cls, round: Round, data=None):
        initial = {
            name: getattr(round, name)
            for name in ("name", "what_it_funds", "who_can_apply", "opens_on", "closes_on")
        }
        initial["decision_on"] = round.decision_on
        return cls(data, initial=initial)


class PotForm(forms.Form):
    area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=Area.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Choose an area."),
            "invalid_choice": _("Choose an area from the list."),
        },
    )
    amount = PoundsField(label=_("Money in the pot, in pounds"), required=True)
    min_grant = PoundsField(label=_("Smallest grant, in pounds"), required=True)
    max_grant = PoundsField(label=_("Largest grant, in pounds"), required=True)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(organisation=organisation)
        self.fields["amount"].error_messages["required"] = _("Say how much money is in the pot.")
        self.fields["min_grant"].error_messages["required"] = _("Say the smallest grant.")
        self.fields["max_grant"].error_messages["required"] = _("Say the largest grant.")


class CriterionForm(forms.Form):
    title = _text(
        _("Title"),
        120,
        required=True,
        help_text=_("For example, Led by young people."),
        missing=_("Give it a short title."),
    )
    meaning = _text(
        _("What it means, in plain words"),
        SHORT_TEXT_MAX,
        required=True,
        rows=3,
        help_text=_("For example: young people plan it and make the decisions."),
        missing=_("Say what it means."),
    )
    weight = forms.TypedChoiceField(
        label=_("How much it counts"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, CRITERION_WEIGHT_MAX + 1)],
        initial=1,
        help_text=_("1 counts the least, 5 the most."),
        error_messages={
            "required": _("Choose a number from 1 to 5."),
            "invalid_choice": _("Choose a number from 1 to 5."),
        },
    )


class QuestionForm(forms.Form):
    text = _text(_("Question"), 300, required=True, missing=_("Write the question."))
    hint = _text(_("Hint (optional)"), 300, help_text=_("Help that shows under the question."))
    required = forms.BooleanField(label=_("Groups must answer it"), required=False, initial=True)


class PhaseForm(forms.Form):
    to = forms.CharField(
        max_length=20,
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose a step."), "max_length": _("Choose a step.")},
    )


class ApplicationForm(forms.Form):
    """The whole application: groups can save it with anything missing and come back."""

    start_key = _key()
    group_name = _text(_("Your group's name"), 120)
    group_about = _text(
        _("About your group"),
        LONG_TEXT_MAX,
        rows=4,
        help_text=_("Who you are, where you meet and what you usually do."),
    )
    pot = forms.TypedChoiceField(
        label=_("Which area is your group in?"),
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose an area from the list.")},
    )
    activity = _text(_("What is the activity?"), LONG_TEXT_MAX, rows=6)
    youth_leadership = _text(
        _("How do young people lead it?"),
        LONG_TEXT_MAX,
        rows=6,
        help_text=_("Who plans it, who makes the decisions, and how."),
    )
    young_people_count = forms.IntegerField(
        label=_("How many young people take part?"),
        required=False,
        min_value=0,
        max_value=100_000,
        widget=forms.NumberInput(attrs={"class": "input--short", "inputmode": "numeric"}),
        error_messages={
            "invalid": _("Write a number, like 12."),
            "min_value": _("Write a number, like 12."),
            "max_value": _("Write a number, like 12."),
        },
    )
    age_bands = forms.MultipleChoiceField(
        label=_("How old are they?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=AgeBand.choices,
        help_text=_("Choose all that fit."),
        error_messages={"invalid_choice": _("Choose ages from the list.")},
    )
    summary = _text(
        _("Public summary"),
        SUMMARY_MAX,
        rows=4,
        help_text=_(
            "%(min)s to %(max)s words. Anyone can read this, so don't name any young person."
        )
        % {"min": SUMMARY_WORDS_MIN, "max": SUMMARY_WORDS_MAX},
    )
    amount = PoundsField(label=_("How much are you asking for, in pounds?"), required=False)

    def __init__(self, *args, round: Round, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round
        pots = list(round.pots.select_related("area").order_by("area__name"))
        self.fields["pot"].choices = [(pot.pk, pot.area.name) for pot in pots]
        for index in range(BUDGET_ROWS):
            self.fields[f"item_{index}"] = _text(_("What it is"), 120)
            self.fields[f"cost_{index}"] = PoundsField(label=_("Cost, in pounds"), required=False)
        self.questions = list(round.questions.order_by("position", "pk"))
        for question in self.questions:
            self.fields[f"question_{question.pk}"] = _text(
                question.text, LONG_TEXT_MAX, rows=4, help_text=question.hint
            )

    @classmethod
    def for_application(cls, application: Application, data=None):
        initial = {
            "start_key": application.start_key,
            "group_name": application.group_name,
            "group_about": application.group_about,
            "pot": application.pot_id,
            "activity": application.activity,
            "youth_leadership": application.youth_leadership,
            "young_people_count": application.young_people_count,
            "age_bands": application.age_bands,
            "summary": application.summary,
            "amount": application.amount_pence or None,
        }
        for index, line in enumerate(application.budget_lines.all()[:BUDGET_ROWS]):
            initial[f"item_{index}"] = line.item
            initial[f"cost_{index}"] = line.cost_pence
        for answer in application.answers.all():
            initial[f"question_{answer.question_id}"] = answer.text
        form = cls(data, round=application.round, initial=initial)
        form.add_reading_hints()
        return form

    def add_reading_hints(self) -> None:
        """Add a gentle tip under each long answer that might be hard to read."""
        names = [*LONG_ANSWERS, *(f"question_{question.pk}" for question in self.questions)]
        for name in names:
            bound = self[name]
            value = bound.value()
            if isinstance(value, str) and needs_plainer_words(value):
                # The bound field copied the help text when it was made: change both.
                bound.help_text = f"{bound.help_text} {READING_HINT}".strip()
                self.fields[name].help_text = bound.help_text

    @classmethod
    def blank(cls, round: Round, data=None):
        return cls(data, round=round, initial={"start_key": uuid.uuid4()})

    def main_fields(self):
        return [self[name] for name in ("group_name", "group_about", "pot")]

    def budget_rows(self):
        return [(self[f"item_{i}"], self[f"cost_{i}"]) for i in range(BUDGET_ROWS)]

    def question_fields(self):
        return [self[f"question_{question.pk}"] for question in self.questions]

    def draft(self) -> ApplicationDraft:
        data = self.cleaned_data
        lines = []
        for index in range(BUDGET_ROWS):
            item = data.get(f"item_{index}") or ""
            cost = data.get(f"cost_{index}")
            if item.strip() or cost:
                lines.append((item, cost or 0))
        return ApplicationDraft(
            group_name=data["group_name"],
            group_about=data["group_about"],
            activity=data["activity"],
            youth_leadership=data["youth_leadership"],
            young_people_count=data["young_people_count"],
            age_bands=list(data["age_bands"]),
            summary=data["summary"],
            amount_pence=data["amount"] or 0,
            pot_id=data["pot"] or None,
            budget_lines=lines,
            answers={q.pk: data.get(f"question_{q.pk}") or "" for q in self.questions},
        )


class SubmitForm(forms.Form):
    submission_key = _key()


class ScreenForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Can this application go to the panel?"),
        widget=forms.RadioSelect,
        choices=[
            ("eligible", _("Yes, it can go to the panel")),
            ("not-eligible", _("No, it can't")),
        ],
        error_messages={
            "required": _("Choose yes or no."),
            "invalid_choice": _("Choose yes or no."),
        },
    )
    reason = _text(
        _("Why not? (the group will see this)"),
        SHORT_TEXT_MAX,
        rows=3,
        help_text=_("In plain words, for example: your group is outside our two areas."),
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Choose a file"),
        max_length=200,
        help_text=_("A PDF, JPEG or PNG picture, Word document or Excel spreadsheet, up to 10 MB."),
        error_messages={
            "required": _("Choose a file to add."),
            "empty": _("This file is empty. Choose another."),
            "max_length": _("The file's name is too long. Rename it and try again."),
            "invalid": _("Choose a file to add."),
        },
    )


class PanelAddForm(forms.Form):
    """Staff choose a young panel member of the organisation to put on the round's panel."""

    person = forms.ModelChoiceField(
        label=_("Young panel member"),
        queryset=None,
        error_messages={
            "required": _("Choose someone to add."),
            "invalid_choice": _("Choose someone from the list."),
        },
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = candidates


class DeclareForm(forms.Form):
    """A panel member says whether they know the group behind an application."""

    knows_group = forms.ChoiceField(
        label=_("Do you know this group?"),
        widget=forms.RadioSelect,
        choices=[
            ("no", _("No, I don't know this group")),
            ("yes", _("Yes, I know this group")),
        ],
        error_messages={
            "required": _("Choose yes or no."),
            "invalid_choice": _("Choose yes or no."),
        },
    )
    reason = forms.CharField(
        label=_("If yes, how do you know them?"),
        help_text=_("A few words, like “my cousin runs it”."),
        max_length=CONFLICT_REASON_MAX,
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("knows_group") == "yes" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say in a few words how you know this group."))
        return data


SCORE_CHOICES = [
    ("1", _("1 – not at all")),
    ("2", _("2 – a little")),
    ("3", _("3 – some")),
    ("4", _("4 – a lot")),
    ("5", _("5 – completely")),
]


class ScoreForm(forms.Form):
    """A panel member's scores for one application: one 1-5 choice and a comment per criterion.

    A score may be left out and given later; the service decides when it is finished.
    """

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[score_field(criterion.pk)] = forms.ChoiceField(
                label=_("Score for “%(title)s”") % {"title": criterion.title},
                help_text=criterion.meaning,
                choices=SCORE_CHOICES,
                widget=forms.RadioSelect,
                required=False,
                error_messages={"invalid_choice": _("Choose a score from 1 to 5.")},
            )
            self.fields[comment_field(criterion.pk)] = forms.CharField(
                label=_("Comment on “%(title)s” (if you like)") % {"title": criterion.title},
                max_length=SCORE_COMMENT_MAX,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["notes"] = forms.CharField(
            label=_("Notes from a visit or interview (if you had one)"),
            help_text=_("The other panel members see these once they have scored it too."),
            max_length=NOTES_MAX,
            required=False,
            widget=forms.Textarea(attrs={"rows": 4}),
        )

    def entries(self) -> dict[int, ScoreEntry]:
        data = self.cleaned_data
        return {
            criterion.pk: ScoreEntry(
                value=int(data[score_field(criterion.pk)])
                if data.get(score_field(criterion.pk))
                else None,
                comment=data.get(comment_field(criterion.pk), ""),
            )
            for criterion in self.criteria
        }

    @staticmethod
    def initial_from(assessment) -> dict:
        if assessment is None:
            return {}
        initial = {"notes": assessment.notes}
        for score in assessment.scores.all():
            initial[score_field(score.criterion_id)] = str(score.value)
            initial[comment_field(score.criterion_id)] = score.comment
        return initial


class DecisionRulesForm(forms.Form):
    """Staff choose how the round's votes become money, before the meeting."""

    decision_method = forms.ChoiceField(
        label=_("How does the panel decide?"),
        widget=forms.RadioSelect,
        choices=DecisionMethod.choices,
        error_messages={"required": _("Choose one."), "invalid_choice": _("Choose one.")},
    )
    allocation_rule = forms.ChoiceField(
        label=_("How is the money shared out in each area?"),
        widget=forms.RadioSelect,
        choices=AllocationRule.choices,
        error_messages={"required": _("Choose one."), "invalid_choice": _("Choose one.")},
    )
    quorum_percent = forms.IntegerField(
        label=_("How much of the panel must be at the meeting, in per cent"),
        help_text=_("50 means half the panel."),
        min_value=1,
        max_value=100,
        error_messages={
            "required": _("Give a number from 1 to 100."),
            "invalid": _("Give a number from 1 to 100."),
            "min_value": _("Give a number from 1 to 100."),
            "max_value": _("Give a number from 1 to 100."),
        },
    )
    accept_within_days = forms.IntegerField(
        label=_("How many days does each group have to accept its award?"),
        help_text=_("Counted from the day the chair confirms the decision. 28 is four weeks."),
        required=False,
        min_value=1,
        max_value=ACCEPT_WITHIN_DAYS_MAX,
        widget=forms.NumberInput(attrs={"class": "input--short", "inputmode": "numeric"}),
        error_messages={
            "invalid": _("Give a number of days from 1 to 365."),
            "min_value": _("Give a number of days from 1 to 365."),
            "max_value": _("Give a number of days from 1 to 365."),
        },
    )


class AttendanceForm(forms.Form):
    """The chair ticks who is at the meeting."""

    present = forms.MultipleChoiceField(
        label=_("Who is here?"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(str(m.pk), m.pseudonym) for m in members]


class AwardForm(forms.Form):
    """The panel changes one award: all the money, part of it with a condition, or no."""

    choice = forms.ChoiceField(
        label=_("What does the panel decide?"),
        widget=forms.RadioSelect,
        choices=[
            ("full", _("Give all the money asked for")),
            ("partial", _("Give part of the money, with a condition")),
            ("decline", _("Say no, with a reason")),
        ],
        error_messages={"required": _("Choose one."), "invalid_choice": _("Choose one.")},
    )
    amount = PoundsField(label=_("If part: how much, in pounds"), required=False)
    condition = forms.CharField(
        label=_("If part: what must the group do to get it?"),
        max_length=AWARD_REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label=_("If no: why? The group will read this."),
        max_length=AWARD_REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("choice") == "partial" and data.get("amount") is None:
            self.add_error("amount", _("Say how much, like 600."))
        return data


# Money after the decision: accepting, giving back, payments, moving money, re-offering.


def _reason(label, missing, help_text=""):
    return _text(
        label, MONEY_REASON_MAX, required=True, rows=3, missing=missing, help_text=help_text
    )


class AcceptForm(forms.Form):
    """The group accepts its award: bank details are with staff, and any condition is agreed."""

    bank_details_with_staff = forms.BooleanField(
        error_messages={
            "required": _(
                "Tick this to say the staff have your bank details. Never type them in here."
            )
        },
    )
    agrees_to_condition = forms.BooleanField(
        error_messages={"required": _("Tick this to say your group agrees to the condition.")},
    )

    def __init__(self, *args, award, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = award.application.round.organisation.name
        self.fields["bank_details_with_staff"].label = _(
            "Our bank details are with %(organisation)s staff"
        ) % {"organisation": organisation}
        self.fields["bank_details_with_staff"].help_text = _(
            "Give them to the staff yourself. Never type bank details into Thegither."
        )
        if award.status == "partial":
            self.fields["agrees_to_condition"].label = _(
                "We agree to the condition: %(condition)s"
            ) % {"condition": award.condition}
        else:
            del self.fields["agrees_to_condition"]


class AwardWithdrawForm(forms.Form):
    reason = _reason(
        _("Why is your group giving the award back?"),
        _("Say why, so the panel understands."),
        help_text=_("For example: the hall we booked has closed."),
    )


class PaymentForm(forms.Form):
    """Staff record money paid to a group."""

    entry_key = _key()
    paid_on = forms.DateField(
        label=_("Day it was paid"),
        # A date input reads and shows only year-month-day, whatever the language.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Give the day it was paid."),
            "invalid": _("Write a real date, like 2027-03-01."),
        },
    )
    amount = PoundsField(label=_("Amount paid, in pounds"), required=True)
    reference = _text(
        _("Payment reference"),
        PAYMENT_REFERENCE_MAX,
        required=True,
        help_text=_("As it shows on the bank statement, so finance can find it."),
        missing=_("Give the payment's reference, like the one on the bank statement."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].error_messages["required"] = _("Say how much was paid, like 500.")


class PaymentCancelForm(forms.Form):
    reason = _reason(
        _("Why is this payment being cancelled?"),
        _("Say why, like “typed the wrong amount”."),
        help_text=_("It stays in the list, crossed out, and stops counting."),
    )


class PotTransferForm(forms.Form):
    """Staff move money left in one area's pot to another area's pot of the same round."""

    entry_key = _key()
    from_pot = forms.TypedChoiceField(
        label=_("Move money from"),
        coerce=int,
        error_messages={
            "required": _("Choose the pot to move money from."),
            "invalid_choice": _("Choose a pot from the list."),
        },
    )
    to_pot = forms.TypedChoiceField(
        label=_("Move it to"),
        coerce=int,
        error_messages={
            "required": _("Choose the pot to move money to."),
            "invalid_choice": _("Choose a pot from the list."),
        },
    )
    amount = PoundsField(label=_("How much, in pounds"), required=True)
    reason = _reason(
        _("Why is the money moving?"),
        _("Say why the money is moving."),
        help_text=_("For example: North East had money left and North West a waiting list."),
    )

    def __init__(self, *args, pots, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(pot.pk, pot.area.name) for pot in pots]
        self.fields["from_pot"].choices = choices
        self.fields["to_pot"].choices = choices
        self.fields["amount"].error_messages["required"] = _("Say how much to move, like 500.")

    def clean(self):
        data = super().clean()
        if data.get("from_pot") is not None and data.get("from_pot") == data.get("to_pot"):
            self.add_error("to_pot", _("Choose another area's pot in this round."))
        return data


class ReOfferForm(forms.Form):
    """The awards the person saw funded in the re-offer proposal, sent back to confirm it."""

    funded = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.MultipleHiddenInput,
        error_messages={
            "required": _("Nobody on the waiting list can be funded with the money left."),
            "invalid_choice": _("Something changed since you looked. Look again, then confirm."),
        },
    )

    def __init__(self, *args, waiting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funded"].choices = [(award.pk, str(award.pk)) for award in waiting]
