"""Forms for stories. They parse what people type; services do the checking that matters.

Every field is bounded, so a very long value is an error message, never a crash. The
public forms work on a phone: a date and a time picker rather than one long field.
"""

import datetime

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from thegither.stories.models import (
    ALT_TEXT_MAX,
    EVENT_TEXT_MAX,
    NAME_MAX,
    REASON_MAX,
    SHORT_TEXT_MAX,
    STORY_TEXT_MAX,
    TAG_MAX,
    THEME_MAX,
    TITLE_MAX,
    URL_MAX,
    WEEK_SUMMARY_MAX,
    Event,
    Story,
    Week,
)
from thegither.stories.services import EventDetails, StoryDetails, WeekDetails

TOO_LONG = _("This is too long. Make it shorter.")


def _text(label, limit, *, required=True, help_text="", rows=None, **messages):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        help_text=help_text,
        widget=widget,
        error_messages={"max_length": TOO_LONG, **messages},
    )


def _date(label, *, required=True, **messages):
    return forms.DateField(
        label=label,
        required=required,
        # A date input reads and shows only year-month-day, whatever the language.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Write a real date, like 2027-11-19."), **messages},
    )


# Times typed as people write them: 14:30, 14.30, 1430, 2pm, 2:30pm.
TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M", "%I%p", "%I:%M%p", "%I %p", "%I:%M %p", "%I.%M%p"]


def _time(label, *, required=True, **messages):
    # A text box, not a time picker: pickers read and write times in the browser's own
    # order and clock (2:30 PM, or 14:30), so what someone types depends on their browser.
    return forms.TimeField(
        label=label,
        required=required,
        input_formats=TIME_FORMATS,
        help_text=_("Like 14:30 or 2pm."),
        widget=forms.TimeInput(
            attrs={"class": "input--short", "autocomplete": "off"}, format="%H:%M"
        ),
        error_messages={"invalid": _("Write a time like 14:30 or 2pm."), **messages},
    )


def _url(label, help_text=""):
    return forms.URLField(
        label=label,
        max_length=URL_MAX,
        required=False,
        help_text=help_text,
        assume_scheme="https",
        error_messages={
            "invalid": _("Write a whole web address, starting with https://"),
            "max_length": TOO_LONG,
        },
    )


class WeekForm(forms.Form):
    starts_on = _date(_("First day"))
    ends_on = _date(_("Last day"))
    theme = _text(
        _("Theme"),
        THEME_MAX,
        help_text=_("One or two words, like 'Stories'."),
    )
    summary = _text(
        _("What the week is about (if you like)"), WEEK_SUMMARY_MAX, required=False, rows=4
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].error_messages["required"] = _("Give the first day of the week.")
        self.fields["ends_on"].error_messages["required"] = _("Give the last day of the week.")
        self.fields["theme"].error_messages["required"] = _("Write the week's theme.")

    @classmethod
    def for_week(cls, week: Week | None, data=None):
        initial = {}
        if week is not None:
            initial = {
                "starts_on": week.starts_on,
                "ends_on": week.ends_on,
                "theme": week.theme,
                "summary": week.summary,
            }
        return cls(data, initial=initial)

    def details(self) -> WeekDetails:
        data = self.cleaned_data
        return WeekDetails(
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            theme=data["theme"],
            summary=data["summary"],
        )


class EventForm(forms.Form):
    """An event: what, when, where, who runs it and who it is for."""

    title = _text(_("What is it called?"), TITLE_MAX)
    # One of the week's days, chosen from a list: no date to type, and none outside it.
    day = forms.TypedChoiceField(
        label=_("Day"),
        coerce=datetime.date.fromisoformat,
        error_messages={"invalid_choice": _("Choose one of the week's days.")},
    )
    starts = _time(_("Starts at"))
    ends = _time(_("Ends at (if you know)"), required=False)
    place = _text(
        _("Where is it? (if it is in a place)"),
        SHORT_TEXT_MAX,
        required=False,
        help_text=_("The building and the town, like 'Eastgate Hall, Glasgow'."),
    )
    is_online = forms.BooleanField(label=_("Online"), required=False)
    organiser = _text(_("Who is running it?"), SHORT_TEXT_MAX, help_text=_("Your organisation."))
    audience = _text(
        _("Who is it for? (if you like)"),
        SHORT_TEXT_MAX,
        required=False,
        help_text=_("For example: young people aged 12 to 18, youth workers, anyone."),
    )
    accessibility = _text(
        _("Accessibility (if you like)"),
        EVENT_TEXT_MAX,
        required=False,
        rows=3,
        help_text=_("For example: step-free entrance, hearing loop, BSL interpreter, quiet room."),
    )
    booking_url = _url(_("Booking link (if there is one)"), _("Where people sign up."))
    description = _text(
        _("What will happen? (if you like)"), EVENT_TEXT_MAX, required=False, rows=5
    )

    def __init__(self, *args, week: Week, **kwargs):
        super().__init__(*args, **kwargs)
        days = (week.ends_on - week.starts_on).days + 1
        self.fields["day"].choices = [("", _("Choose a day"))] + [
            (date.isoformat(), formats.date_format(date, "l j F Y"))
            for date in (week.starts_on + datetime.timedelta(days=n) for n in range(days))
        ]
        messages = {
            "title": _("Give the event a title."),
            "day": _("Give the day it happens."),
            "starts": _("Give the time it starts."),
            "organiser": _("Say who is running it."),
        }
        for name, message in messages.items():
            self.fields[name].error_messages["required"] = message

    @classmethod
    def for_event(cls, event: Event, data=None, **kwargs):
        starts = timezone.localtime(event.starts_at)
        initial = {
            "title": event.title,
            "day": starts.date().isoformat(),
            "starts": starts.time(),
            "ends": timezone.localtime(event.ends_at).time() if event.ends_at else None,
            "place": event.place,
            "is_online": event.is_online,
            "organiser": event.organiser,
            "audience": event.audience,
            "accessibility": event.accessibility,
            "booking_url": event.booking_url,
            "description": event.description,
        }
        return cls(data, initial=initial, week=event.week, **kwargs)

    def details(self) -> EventDetails:
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        starts_at = timezone.make_aware(
            datetime.datetime.combine(data["day"], data["starts"]), zone
        )
        ends_at = None
        if data.get("ends"):
            ends_at = timezone.make_aware(
                datetime.datetime.combine(data["day"], data["ends"]), zone
            )
        return EventDetails(
            title=data["title"],
            starts_at=starts_at,
            ends_at=ends_at,
            place=data["place"],
            is_online=data["is_online"],
            organiser=data["organiser"],
            audience=data["audience"],
            accessibility=data["accessibility"],
            booking_url=data["booking_url"],
            description=data["description"],
        )


class SenderFields(forms.Form):
    """Who sent it: a name for the staff, an email only to tell them what happens."""

    sender_name = _text(_("Your name"), NAME_MAX, help_text=_("Only the network's staff see it."))
    sender_email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("Only to tell you when it's on the website, or why not. We never show it."),
        error_messages={
            "required": _("Write your email address, so we can tell you what happens next."),
            "invalid": _("Write an email address like name@example.org."),
            "max_length": TOO_LONG,
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sender_name"].error_messages["required"] = _("Write your name.")


class EventSubmitForm(EventForm, SenderFields):
    """The public "Tell us what you can do" form."""

    field_order = [*EventForm.base_fields, *SenderFields.base_fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sender_name"].error_messages["required"] = _("Write your name.")


class StoryForm(forms.Form):
    """A story's words, link, tags and picture description (staff change these too)."""

    title = _text(_("Title"), TITLE_MAX)
    text = _text(
        _("Your story (if you are writing it here)"),
        STORY_TEXT_MAX,
        required=False,
        rows=8,
        help_text=_(
            "What happened, and what did you learn? The hard parts too. "
            "Don't write a child's full name."
        ),
    )
    link = _url(
        _("Link to your blog or video (if you have one)"),
        _("For example a blog post, a video or a podcast."),
    )
    image_alt = _text(
        _("What is in the picture?"),
        ALT_TEXT_MAX,
        required=False,
        help_text=_("Needed if you add a picture: a sentence for people who can't see it."),
    )
    organisation_name = _text(_("Your organisation or group"), SHORT_TEXT_MAX)
    theme = _text(
        _("Theme (if you like)"), TAG_MAX, required=False, help_text=_("For example: stories.")
    )
    sector = _text(
        _("Sector (if you like)"),
        TAG_MAX,
        required=False,
        help_text=_("For example: youth work, health, housing."),
    )
    place = _text(
        _("Place (if you like)"), TAG_MAX, required=False, help_text=_("A town or an area.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].error_messages["required"] = _("Give your story a title.")
        self.fields["organisation_name"].error_messages["required"] = _(
            "Say which organisation or group it is from."
        )

    @classmethod
    def for_story(cls, story: Story | None, data=None, files=None, **kwargs):
        initial = {}
        if story is not None:
            initial = {name: getattr(story, name) for name in StoryForm.base_fields}
        return cls(data, files, initial=initial, **kwargs)

    def details(self) -> StoryDetails:
        data = self.cleaned_data
        return StoryDetails(**{name: data[name] for name in StoryForm.base_fields})


class StorySubmitForm(StoryForm, SenderFields):
    """The public "Share your story" form: any format, with a consent tick."""

    image = forms.FileField(
        label=_("A picture (if you like)"),
        required=False,
        max_length=200,
        help_text=_("A JPEG, PNG or WebP picture, up to 10 MB."),
        error_messages={
            "empty": _("This file is empty. Choose another."),
            "max_length": _("The file's name is too long. Rename it and try again."),
            "invalid": _("Choose a picture to add."),
        },
    )
    consent = forms.BooleanField(
        label=_(
            "I agree this story can be shared on the website, and everyone in it "
            "(and a grown-up for anyone under 16) said yes"
        ),
        required=False,
    )
    field_order = [
        "title",
        "text",
        "link",
        "image",
        "image_alt",
        "organisation_name",
        "theme",
        "sector",
        "place",
        "sender_name",
        "sender_email",
        "consent",
    ]

    def clean(self):
        data = super().clean()
        if data.get("image") and not (data.get("image_alt") or "").strip():
            self.add_error(
                "image_alt", _("Say what is in the picture, for people who can't see it.")
            )
        if not data.get("consent"):
            self.add_error(
                "consent",
                _(
                    "Tick the box to say the story can be shared, or we can't put it on the "
                    "website."
                ),
            )
        return data


class StoryEditForm(StoryForm):
    remove_image = forms.BooleanField(label=_("Take the picture off"), required=False)


class DeclineForm(forms.Form):
    reason = _text(
        _("Why? (this is emailed to the person who sent it)"),
        REASON_MAX,
        rows=4,
        help_text=_("Be kind and clear, like you would say it to them."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _(
            "Say why, in a sentence or two: it is emailed to the sender."
        )


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search episodes, stories and events"),
        max_length=200,
        required=False,
        error_messages={"max_length": TOO_LONG},
    )
