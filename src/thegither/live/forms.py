"""Forms for live sessions, and reading a phone's answer from a plain form POST."""

from dataclasses import dataclass

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from thegither.core.money import pence_for_typing, pence_from_text
from thegither.live import kinds
from thegither.live.models import Activity, FiverRound, LiveSession
from thegither.live.services import (
    FIVER_CAP_MAX_PENCE,
    FIVER_MINUTES_MAX,
    GLOSSARY_WORDS_MAX_LENGTH,
    MEANING_MAX_LENGTH,
    NICKNAME_MAX_LENGTH,
    PROMPT_MAX_LENGTH,
    TEAM_NAME_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    FiverSettings,
    SessionSettings,
)


class SessionForm(forms.Form):
    """A session's title and how it runs (making one, or changing it later)."""

    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("For example: In it together: what do we know about co-production?"),
    )
    kind = forms.ChoiceField(
        label=_("What kind of session?"),
        choices=LiveSession.Kind.choices,
        initial=LiveSession.Kind.WORKSHOP,
        required=False,
        widget=forms.RadioSelect,
    )
    cards_on = forms.BooleanField(
        label=_("Cards on phones in a workshop too"),
        required=False,
        help_text=_(
            "I want to speak, Stop, I don't want to speak and Can we take a break? "
            "A meeting always has them."
        ),
    )
    stop_words = forms.ChoiceField(
        label=_("What should the red card say?"),
        choices=LiveSession.StopWords.choices,
        initial=LiveSession.StopWords.STOP,
        required=False,
        widget=forms.RadioSelect,
    )
    queue_policy = forms.ChoiceField(
        label=_("Who speaks next?"),
        choices=LiveSession.QueuePolicy.choices,
        initial=LiveSession.QueuePolicy.FAIR,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("You can always move people up or down the queue yourself."),
    )
    stop_names_shown = forms.BooleanField(
        label=_("Show me who pressed Stop"),
        required=False,
        help_text=_(
            "Only on your own screen. If this is off you see how many pressed it, and their "
            "words, but not who. The big screen never shows who."
        ),
    )
    queue_on_screen = forms.BooleanField(
        label=_("Show the speaking queue with nicknames on the big screen"),
        required=False,
        help_text=_("If this is off, the big screen only says how many are waiting."),
    )
    record_names = forms.BooleanField(
        label=_("Name people by their nickname in the meeting record"),
        required=False,
        help_text=_(
            "The record you can download says who spoke and for how long. If this is off, "
            "it says Person 1, Person 2 and so on. It never says who pressed Stop."
        ),
    )

    @classmethod
    def for_session(cls, session: LiveSession, data=None) -> "SessionForm":
        """Return the form filled in with the session's title and settings."""
        initial = {"title": session.title}
        initial.update(
            {name: getattr(session, name) for name in cls.base_fields if name != "title"}
        )
        # A prefix of its own: the page that shows it has the activity form too.
        return cls(data, initial=initial, prefix="settings")

    def settings(self) -> SessionSettings:
        """Return the settings chosen; a choice left out is the usual one."""
        data = self.cleaned_data
        return SessionSettings(
            kind=data["kind"] or LiveSession.Kind.WORKSHOP,
            cards_on=data["cards_on"],
            stop_words=data["stop_words"] or LiveSession.StopWords.STOP,
            stop_names_shown=data["stop_names_shown"],
            queue_on_screen=data["queue_on_screen"],
            queue_policy=data["queue_policy"] or LiveSession.QueuePolicy.FAIR,
            record_names=data["record_names"],
        )


class FiverSettingsForm(forms.Form):
    """A Bid for a Fiver's budget for each team, the time to plan, and own-plan votes."""

    cap = forms.CharField(
        label=_("Budget for each team"),
        max_length=14,
        initial="5.00",
        help_text=_("In pounds, like 5.00. Each team's plan can't cost more than this."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "input input--short"}),
    )
    minutes = forms.IntegerField(
        label=_("Minutes to plan"),
        min_value=1,
        max_value=FIVER_MINUTES_MAX,
        initial=10,
        help_text=_("The big screen and the phones count down. You can pause the clock."),
        widget=forms.NumberInput(attrs={"class": "input input--short"}),
    )
    own_vote_barred = forms.BooleanField(
        label=_("Teams can't vote for their own plan"),
        required=False,
        help_text=_("When everyone votes, a phone can't choose its own team's plan."),
    )

    @classmethod
    def for_fiver(cls, fiver: FiverRound, data=None) -> "FiverSettingsForm":
        initial = {
            "cap": pence_for_typing(fiver.cap_pence),
            "minutes": fiver.minutes,
            "own_vote_barred": fiver.own_vote_barred,
        }
        return cls(data, initial=initial, prefix="fiver")

    def clean_cap(self) -> int:
        try:
            pence = pence_from_text(self.cleaned_data["cap"], most_pence=FIVER_CAP_MAX_PENCE)
        except ValueError as error:
            raise forms.ValidationError(
                _("Type an amount in pounds between 1p and £1,000, like 5.00.")
            ) from error
        if pence < 1:
            raise forms.ValidationError(_("The budget must be at least 1p."))
        return pence

    def settings(self) -> FiverSettings:
        data = self.cleaned_data
        return FiverSettings(
            cap_pence=data["cap"], minutes=data["minutes"], own_vote_barred=data["own_vote_barred"]
        )


class TeamForm(forms.Form):
    name = forms.CharField(
        label=_("Team name"),
        max_length=TEAM_NAME_MAX_LENGTH,
        help_text=_("For example: Kestrels, or Table 1. Each team gets a code to join with."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class GlossaryAddForm(forms.Form):
    words = forms.CharField(
        label=_("Word or phrase"),
        max_length=GLOSSARY_WORDS_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    meaning = forms.CharField(
        label=_("What it means, in plain words"),
        max_length=MEANING_MAX_LENGTH,
        help_text=_("For example: planning and doing something together, as equals."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of activity"), choices=Activity.Kind.choices)
    prompt = forms.CharField(label=_("Question"), max_length=PROMPT_MAX_LENGTH)
    options = forms.CharField(
        label=_("Options"),
        required=False,
        max_length=kinds.OPTIONS_MAX * (kinds.OPTION_MAX_LENGTH + 2),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One on each line. Needed for multiple choice, ranking and points; "
            "for a scale you can give five words."
        ),
    )
    several = forms.BooleanField(label=_("People can choose more than one"), required=False)
    faces = forms.BooleanField(
        label=_("Show faces on a scale"),
        required=False,
        help_text=_(
            "Only for a scale: a face beside each number, from very unhappy (1) to very happy (5)."
        ),
    )
    needs_approval = forms.BooleanField(
        label=_("Hold written answers until I approve them"),
        required=False,
        initial=True,
        help_text=_("Only for open text. Nobody else sees an answer until you say yes."),
    )
    points_total = forms.IntegerField(
        label=_("Points to share out"),
        required=False,
        min_value=0,
        max_value=kinds.POINTS_MAX,
        help_text=_("Only for points: for example 100, or 500 for £5 in pence."),
    )

    def option_list(self) -> list[str]:
        return [line for line in self.cleaned_data.get("options", "").splitlines() if line.strip()]


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Join code"),
        max_length=12,
        help_text=_("6 letters and numbers, on the big screen."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class JoinForm(forms.Form):
    nickname = forms.CharField(
        label=_("Nickname (you don't have to give one)"),
        max_length=NICKNAME_MAX_LENGTH,
        required=False,
        help_text=_("Not your real name. Others might see it."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


FIELD_MAX_LENGTH = 400


def _number(text: str) -> int | None:
    text = (text or "").strip()
    if not text or len(text) > 9 or not text.lstrip("-").isdigit():
        return None
    return int(text)


def answer_from_post(activity: Activity, data: QueryDict) -> dict:
    """Turn a phone's plain form POST into the answer shape the service checks.

    Never fails: anything odd comes out as something the service refuses in plain words.
    """

    def one(name: str) -> str:
        return (data.get(name) or "")[:FIELD_MAX_LENGTH]

    kind = activity.kind
    count = len(activity.options)
    if kind == Activity.Kind.YES_NO:
        return {"choice": one("choice")}
    if kind == Activity.Kind.LADDER:
        return {"step": _number(one("step"))}
    if kind == Activity.Kind.SCALE:
        return {"score": _number(one("score"))}
    if kind == Activity.Kind.CHOICE:
        picked = [_number(v[:9]) for v in data.getlist("choice")[: count + 1]]
        return {"choices": picked}
    if kind == Activity.Kind.RANKING:
        return {"order": ranking_order(activity, data)}
    if kind == Activity.Kind.POINTS:
        return {"points": [_number(one(f"points-{i}")) or 0 for i in range(count)]}
    if kind == Activity.Kind.WORD_CLOUD:
        return {"words": [one(f"word-{i}") for i in range(kinds.WORDS_MAX) if one(f"word-{i}")]}
    if kind == Activity.Kind.OPEN_TEXT:
        return {"text": one("text")}
    return {}  # pragma: no cover


def ranking_order(activity: Activity, data: QueryDict) -> list[int] | None:
    """Return the phone's ranking from the form's hidden `order` ("2,0,1": the top first).

    None when it isn't every option exactly once (the service then refuses it).
    """
    parts = (data.get("order") or "")[:FIELD_MAX_LENGTH].split(",")
    order = [_number(part) for part in parts[: len(activity.options) + 1]]
    if None in order or sorted(order) != list(range(len(activity.options))):
        return None
    return order


@dataclass(frozen=True)
class Moved:
    order: list[int]
    focus: str  # the button to put the focus on again, e.g. "up-2"
    note: str  # said to screen readers: where the option went


def ranking_move(order: list[int], move: str, labels: list[str]) -> Moved:
    """Apply one press of an up or down button ("up-2", "down-0") to a ranking.

    Never fails: a button for an option that isn't there changes nothing.
    """
    direction, _sep, key = move.partition("-")
    option = _number(key[:9])
    if direction not in {"up", "down"} or option not in order:
        return Moved(order=order, focus="", note="")
    order = list(order)
    place = order.index(option)
    to = max(0, place - 1) if direction == "up" else min(len(order) - 1, place + 1)
    order[place], order[to] = order[to], order[place]
    # At the top the up button is off, so the focus goes to the down button (and back).
    if to == 0 and direction == "up":
        direction = "down"
    elif to == len(order) - 1 and direction == "down":
        direction = "up"
    note = _("%(option)s is now number %(place)d of %(count)d.") % {
        "option": labels[option],
        "place": to + 1,
        "count": len(order),
    }
    return Moved(order=order, focus=f"{direction}-{option}", note=str(note))


def card_ids(text: str, *, limit: int = 500) -> list[int]:
    """Read a queue order sent by a drag ("12,9,15": card ids, the top first).

    Never fails: anything that isn't a number is left out (the service skips unknown ids).
    """
    out = []
    for part in (text or "")[: limit * 12].split(",")[:limit]:
        number = _number(part)
        if number is not None and number > 0:
            out.append(number)
    return out


def pence_typed(text: str, *, most_pence: int) -> int | None:
    """Read a cost typed on a phone ("1.50", "£2", "75p"); None if it isn't an amount."""
    try:
        return pence_from_text((text or "")[:FIELD_MAX_LENGTH], most_pence=most_pence)
    except ValueError:
        return None
