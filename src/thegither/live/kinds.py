"""What each kind of activity accepts, and how an answer is counted.

An answer arrives as a small dict (its shape per kind is in docs/live-protocol.md);
`answer_items` checks it and turns it into the (key, amount) parts that are
counted with one aggregate query. `options_check` checks an activity's options.
"""

import re
import unicodedata

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thegither.core.refusals import Refusal, Refused
from thegither.live.models import Activity

Kind = Activity.Kind

YES_NO = (
    ("yes", gettext_lazy("Yes")),
    ("no", gettext_lazy("No")),
    ("not-sure", gettext_lazy("Not sure")),
)
# The seven steps of the ladder of participation used in the sector, from worst to best.
LADDER = (
    gettext_lazy("Coercion"),
    gettext_lazy("Educating"),
    gettext_lazy("Informing"),
    gettext_lazy("Consultation"),
    gettext_lazy("Engagement"),
    gettext_lazy("Co-design"),
    gettext_lazy("Co-production"),
)
SCALE = range(1, 6)
# What each face on a scale shows, in words (the words screen readers hear, too).
FACES = (
    gettext_lazy("Very unhappy"),
    gettext_lazy("Unhappy"),
    gettext_lazy("In between"),
    gettext_lazy("Happy"),
    gettext_lazy("Very happy"),
)
OPTION_MAX_LENGTH = 60
OPTIONS_MAX = 10
WORDS_MAX = 3
WORD_MAX_LENGTH = 25
TEXT_MAX_LENGTH = 280
POINTS_MAX = 1_000_000
# Kinds whose options the facilitator writes, with how many they need.
OPTION_KINDS = {Kind.CHOICE: 2, Kind.RANKING: 2, Kind.POINTS: 2}


def options_check(*, kind: str, options: list, points_total: int = 0) -> list[str]:
    """Return the activity's options tidied, or refuse them in plain words."""
    if kind not in Kind.values:
        raise Refused(_("Choose a kind of activity from the list."), kind=Refusal.BAD_CHOICE)
    if not isinstance(options, list) or not all(isinstance(o, str) for o in options):
        raise Refused(_("The options must be a list of words."), kind=Refusal.INVALID)
    tidy = [" ".join(option.split()) for option in options]
    tidy = [option for option in tidy if option]
    if kind == Kind.SCALE:
        # Optional words for 1 to 5 ("Not at all" ... "Very much").
        if tidy and len(tidy) != len(SCALE):
            raise Refused(_("Give a word for each of 1 to 5, or none."), kind=Refusal.INVALID)
    elif kind in OPTION_KINDS:
        if len(tidy) < OPTION_KINDS[kind]:
            raise Refused(_("Give at least two options."), kind=Refusal.INVALID)
    elif tidy:
        raise Refused(_("This kind of activity has its own options."), kind=Refusal.INVALID)
    if len(tidy) > OPTIONS_MAX:
        raise Refused(
            _("Give at most %(count)d options.") % {"count": OPTIONS_MAX}, kind=Refusal.TOO_LONG
        )
    if any(len(option) > OPTION_MAX_LENGTH for option in tidy):
        raise Refused(
            _("Each option can be at most %(count)d letters long.") % {"count": OPTION_MAX_LENGTH},
            kind=Refusal.TOO_LONG,
        )
    if len(set(option.casefold() for option in tidy)) != len(tidy):
        raise Refused(_("Two options are the same."), kind=Refusal.INVALID)
    if kind == Kind.POINTS and not 1 <= points_total <= POINTS_MAX:
        raise Refused(_("Say how many points there are to share out."), kind=Refusal.INVALID)
    return tidy


def labels(activity: Activity) -> list[tuple[str, str]]:
    """Return (key, label) for each thing an activity's results count, in order."""
    if activity.kind == Kind.YES_NO:
        return [(key, str(label)) for key, label in YES_NO]
    if activity.kind == Kind.LADDER:
        return [(str(index), str(label)) for index, label in enumerate(LADDER)]
    if activity.kind == Kind.SCALE:
        # The facilitator's words if they gave some; with faces, what each face shows.
        words = activity.options or (
            [str(word) for word in FACES] if activity.faces else [""] * len(SCALE)
        )
        return [
            (str(score), f"{score} {word}".strip())
            for score, word in zip(SCALE, words, strict=True)
        ]
    if activity.kind in OPTION_KINDS:
        return [(str(index), option) for index, option in enumerate(activity.options)]
    return []


def word_normalise(word: str) -> str:
    """Return a word as the word cloud counts it: one form, lower case, single spaces."""
    word = unicodedata.normalize("NFKC", word).casefold()
    word = re.sub(r"[^\w' -]+", "", word)
    return " ".join(word.split())


def _bad(message: str) -> Refused:
    return Refused(message, kind=Refusal.INVALID)


def _int(value, message: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(message)
    return value


def answer_items(activity: Activity, value) -> tuple[dict, list[tuple[str, int]]]:
    """Check an answer for this activity; return it tidied and the parts to count."""
    if not isinstance(value, dict):
        raise _bad(_("That answer doesn't fit this question."))
    kind = activity.kind
    count = len(activity.options)
    if kind == Kind.YES_NO:
        choice = value.get("choice")
        if choice not in {key for key, _label in YES_NO}:
            raise _bad(_("Choose yes, no or not sure."))
        return {"choice": choice}, [(choice, 1)]
    if kind == Kind.LADDER:
        step = _int(value.get("step"), _("Choose a step on the ladder."))
        if not 0 <= step < len(LADDER):
            raise _bad(_("Choose a step on the ladder."))
        return {"step": step}, [(str(step), 1)]
    if kind == Kind.SCALE:
        score = _int(value.get("score"), _("Choose a number from 1 to 5."))
        if score not in SCALE:
            raise _bad(_("Choose a number from 1 to 5."))
        return {"score": score}, [(str(score), 1)]
    if kind == Kind.CHOICE:
        choices = value.get("choices")
        if not isinstance(choices, list) or not choices:
            raise _bad(_("Choose an answer."))
        picked = sorted({_int(c, _("Choose from the list.")) for c in choices})
        if any(not 0 <= c < count for c in picked) or len(picked) != len(choices):
            raise _bad(_("Choose from the list."))
        if len(picked) > 1 and not activity.several:
            raise _bad(_("Choose just one answer."))
        return {"choices": picked}, [(str(c), 1) for c in picked]
    if kind == Kind.RANKING:
        order = value.get("order")
        if not isinstance(order, list) or sorted(
            _int(o, _("Put every option in order.")) for o in order
        ) != list(range(count)):
            raise _bad(_("Put every option in order, each in its own place."))
        # Top place scores count - 1 points, the last place 0 (a Borda count).
        return {"order": order}, [(str(o), count - 1 - place) for place, o in enumerate(order)]
    if kind == Kind.POINTS:
        points = value.get("points")
        if not isinstance(points, list) or len(points) != count:
            raise _bad(_("Give some points (or 0) to each option."))
        points = [_int(p, _("Points are whole numbers.")) for p in points]
        if any(p < 0 for p in points):
            raise _bad(_("Points can't be less than 0."))
        if sum(points) != activity.points_total:
            raise _bad(
                _("Share out exactly %(total)d points. You gave %(given)d.")
                % {"total": activity.points_total, "given": sum(points)}
            )
        return {"points": points}, [(str(i), p) for i, p in enumerate(points) if p]
    if kind == Kind.WORD_CLOUD:
        words = value.get("words")
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise _bad(_("Type a word or two."))
        if any(len(w) > WORD_MAX_LENGTH for w in words):
            raise Refused(
                _("Each word can be at most %(count)d letters.") % {"count": WORD_MAX_LENGTH},
                kind=Refusal.TOO_LONG,
            )
        tidy = list(dict.fromkeys(w[:40] for w in (word_normalise(w) for w in words) if w))
        if not tidy:
            raise _bad(_("Type a word or two."))
        if len(tidy) > WORDS_MAX:
            raise Refused(
                _("Type at most %(count)d words.") % {"count": WORDS_MAX}, kind=Refusal.TOO_LONG
            )
        return {"words": tidy}, [(w, 1) for w in tidy]
    if kind == Kind.OPEN_TEXT:
        text = value.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _bad(_("Type your answer."))
        if len(text) > TEXT_MAX_LENGTH:
            raise Refused(
                _("Your answer can be at most %(count)d letters.") % {"count": TEXT_MAX_LENGTH},
                kind=Refusal.TOO_LONG,
            )
        return {"text": " ".join(text.split())}, []
    raise _bad(_("That answer doesn't fit this question."))  # pragma: no cover - kinds are checked
