"""Forms for live sessions, and reading a phone's answer from a plain form POST."""

from dataclasses import dataclass

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from thegither.live import kinds
from thegither.live.models import Activity, LiveSession
from thegither.live.services import (
    NICKNAME_MAX_LENGTH,
    PROMPT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
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
