"""Forms for reports after the grant. They parse what people type; services do the checking.

Kept apart from forms.py so the report's forms sit together; they use its money field.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from thegither.grants.forms import TOO_LONG, PoundsField
from thegither.grants.models import (
    LONG_TEXT_MAX,
    REPORT_CAPTION_MAX,
    REPORT_DUE_DAYS_MAX,
    REPORT_STORY_MAX,
    REPORT_THANKS_MAX,
    YOUNG_PEOPLE_MAX,
    Award,
    Report,
)
from thegither.grants.money import pence_to_pounds
from thegither.grants.services.reports import ReportDraft

NUMBER_MESSAGE = _("Write a number, like 12.")


class ReportForm(forms.Form):
    """The whole report: a group can save it with anything missing and come back."""

    what_happened = forms.CharField(
        label=_("What happened?"),
        help_text=_("What did you do with the money? What went well, and what didn't?"),
        max_length=LONG_TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": TOO_LONG},
    )
    young_people_count = forms.IntegerField(
        label=_("How many young people took part?"),
        required=False,
        min_value=0,
        max_value=YOUNG_PEOPLE_MAX,
        widget=forms.NumberInput(attrs={"class": "input--short", "inputmode": "numeric"}),
        error_messages={
            "invalid": NUMBER_MESSAGE,
            "min_value": NUMBER_MESSAGE,
            "max_value": NUMBER_MESSAGE,
        },
    )
    story = forms.CharField(
        label=_("A short story (if you like)"),
        help_text=_("A moment from the activity, in your own words. Don't name any young person."),
        max_length=REPORT_STORY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": TOO_LONG},
    )
    story_is_public = forms.BooleanField(
        label=_("Yes, the Youth Bank can show our story to the public"),
        help_text=_("For example on the page that shows where the money went."),
        required=False,
    )
    returned = PoundsField(label=_("Money you didn't spend, in pounds"), required=False)

    def __init__(self, *args, award: Award, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["returned"].help_text = _(
            "Write 0 if you spent it all. Your grant was %(amount)s."
        ) % {"amount": pence_to_pounds(award.amount_pence)}

    @classmethod
    def for_report(cls, award: Award, report: Report | None, data=None):
        initial = {}
        if report is not None:
            initial = {
                "what_happened": report.what_happened,
                "young_people_count": report.young_people_count,
                "story": report.story,
                "story_is_public": report.story_is_public,
                "returned": report.returned_pence,
            }
        return cls(data, award=award, initial=initial)

    def draft(self) -> ReportDraft:
        data = self.cleaned_data
        return ReportDraft(
            what_happened=data["what_happened"],
            young_people_count=data["young_people_count"],
            story=data["story"],
            story_is_public=data["story_is_public"],
            returned_pence=data["returned"],
        )


def _file_field(help_text):
    return forms.FileField(
        label=_("Choose a file"),
        max_length=200,
        help_text=help_text,
        error_messages={
            "required": _("Choose a file to add."),
            "empty": _("This file is empty. Choose another."),
            "max_length": _("The file's name is too long. Rename it and try again."),
            "invalid": _("Choose a file to add."),
        },
    )


class PhotoForm(forms.Form):
    """A photo for the report, and the group's word about the people in it."""

    prefix = "photo"

    file = _file_field(_("A JPEG, PNG or WebP picture, up to 10 MB."))
    caption = forms.CharField(
        label=_("What is in the photo? (if you like)"),
        help_text=_("A few words, for people who can't see it. Don't name any young person."),
        max_length=REPORT_CAPTION_MAX,
        required=False,
        error_messages={"max_length": TOO_LONG},
    )
    has_people = forms.BooleanField(label=_("There are people in this photo"), required=False)
    consent = forms.BooleanField(
        label=_("Everyone in it, and a grown-up for anyone under 16, said yes to sharing it"),
        help_text=_("You must tick this if there are people in the photo."),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("has_people") and not data.get("consent"):
            self.add_error(
                "consent",
                _(
                    "A photo with people in it can only be added if everyone in it, and a "
                    "grown-up for anyone under 16, said yes. Tick the box if they did, or "
                    "choose another photo."
                ),
            )
        return data


class ReceiptForm(forms.Form):
    """A receipt for something the money paid for."""

    prefix = "receipt"

    file = _file_field(_("A PDF, or a JPEG, PNG or WebP picture of it, up to 10 MB."))


class AcknowledgeForm(forms.Form):
    thanks = forms.CharField(
        label=_("A thank-you note for the group (if you like)"),
        help_text=_("The group gets it by email. Don't write your name: sign it from the panel."),
        max_length=REPORT_THANKS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": TOO_LONG},
    )


class ReportDueForm(forms.Form):
    days = forms.IntegerField(
        label=_("Reports are due this many days after the decision"),
        help_text=_("90 days is about three months."),
        min_value=1,
        max_value=REPORT_DUE_DAYS_MAX,
        widget=forms.NumberInput(attrs={"class": "input--short", "inputmode": "numeric"}),
        error_messages={
            "required": _("Give a number of days."),
            "invalid": _("Give a number of days, like 90."),
            "min_value": _("Give a number of days from 1 to %(max)s.")
            % {"max": REPORT_DUE_DAYS_MAX},
            "max_value": _("Give a number of days from 1 to %(max)s.")
            % {"max": REPORT_DUE_DAYS_MAX},
        },
    )
