"""The engine's explanation of each award, in the grants app's own plain words.

`thegither.allocation` gives a reason code and numbers for every application; the
words people read are here, through gettext, so they can be translated and say
"the pot" and "members" rather than "the budget" and "voters".
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from thegither.grants.models import AllocationRule, Award, AwardStatus, DecisionMethod
from thegither.grants.money import pence_to_pounds


def _pounds(amount) -> str:
    return pence_to_pounds(round(amount or 0))


def _whole_pounds(amount) -> str:
    """An amount the engine worked out in fractions of a penny, to the nearest pound."""
    return pence_to_pounds(round((amount or 0) / 100) * 100)


def _share_words(details: dict) -> str:
    """Say what each member's equal share was, and why it may be more than the pot split."""
    share = details.get("start_per_voter") or 0
    even = details.get("even_share")
    if even is None or share <= even + 50:  # within half a pound: it was not raised
        return _(
            "Every member had an equal share of the pot (%(share)s each) to spend on the ones "
            "they supported."
        ) % {"share": _whole_pounds(share)}
    return _(
        "Every member had an equal share to spend on the ones they supported. The pot split "
        "equally is %(even)s each; every share was raised to about %(share)s so that more of "
        "the pot gets used, as long as what is chosen still fits in the pot."
    ) % {"even": _whole_pounds(even), "share": _whole_pounds(share)}


def _support(award: Award, method: str) -> str:
    if method == DecisionMethod.SCORES:
        average = award.engine_details.get("average_total")
        if average is None:
            return _("no finished scores")
        return _("an average score of %(average)s") % {"average": average}
    return ngettext("%(count)s vote", "%(count)s votes", award.support) % {"count": award.support}


def engine_words(award: Award, *, method: str, rule: str) -> str:
    """Say in plain words why the engine funded this application or not."""
    details = award.engine_details
    asked = _pounds(award.application.amount_pence)
    support = _support(award, method)
    reason = award.engine_reason
    if rule == AllocationRule.GREEDY:
        place = _("It was number %(rank)s in line, with %(support)s.") % {
            "rank": details.get("rank", "?"),
            "support": support,
        }
        left = _pounds(details.get("left_before"))
        if reason == "funded":
            return " ".join(
                [
                    _("Funded."),
                    place,
                    _(
                        "When its turn came there was %(left)s left in the pot: enough for the "
                        "%(asked)s it asked for."
                    )
                    % {"left": left, "asked": asked},
                ]
            )
        if reason == "too-expensive":
            return " ".join(
                [
                    _("Not funded."),
                    place,
                    _(
                        "It asked for %(asked)s, but when its turn came only %(left)s was left "
                        "in the pot, so the next one in line got a chance."
                    )
                    % {"left": left, "asked": asked},
                ]
            )
    if reason == "free":
        return _("Funded: it asked for no money, and members supported it.")
    if reason == "no-votes":
        if method == DecisionMethod.SCORES:
            return _("Not funded. Nobody on the panel finished scoring it.")
        return _("Not funded. Nobody voted for it.")
    shares = _share_words(details)
    if reason == "funded":
        supporters = details.get("supporters", award.support)
        return " ".join(
            [
                _("Funded."),
                shares,
                ngettext(
                    "The one member who supported this one paid the %(asked)s it asked for.",
                    "The %(count)s members who supported this one paid the %(asked)s it asked "
                    "for between them.",
                    supporters,
                )
                % {"count": supporters, "asked": asked},
            ]
        )
    if reason == "topped-up":
        return _("Funded from the money left over after equal shares.")
    if reason == "supporters-ran-out":
        return " ".join(
            [
                _("Not funded."),
                shares,
                _(
                    "To pay the %(asked)s it asked for, each of its supporters would have "
                    "needed about %(needed)s, but by then they had only %(left)s left between "
                    "them: most of their shares had gone to others they supported."
                )
                % {
                    "asked": asked,
                    "needed": _whole_pounds(details.get("needed_per_supporter")),
                    "left": _whole_pounds(details.get("supporters_money_left")),
                },
            ]
        )
    if award.status == AwardStatus.NOT_FUNDED or not award.proposed_pence:
        return _("Not funded in the proposal.")
    return _("Funded in the proposal.")


def rule_words(rule: str, method: str) -> str:
    """Say in plain words how the round shares out its money."""
    by = (
        _("the panel's scores (highest average first)")
        if method == DecisionMethod.SCORES
        else _("members' votes in the meeting")
    )
    if rule == AllocationRule.GREEDY:
        return _(
            "Applications are lined up by %(by)s. Each one is funded if it fits in the money "
            "left in the pot; if not, the next one gets a chance."
        ) % {"by": by}
    return _(
        "Equal shares, from %(by)s: the pot is split equally between the members, and each "
        "member's share can only pay for applications they supported. An application is "
        "funded when its supporters can pay for it together."
    ) % {"by": by}
