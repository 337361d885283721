"""Pages anyone can see: the rounds open now, and each round's public page."""

from django.shortcuts import render

from thegither.core.permissions import require
from thegither.grants import selectors
from thegither.grants.permissions import can_apply, can_manage_round, can_see_round
from thegither.grants.views.common import round_or_404


def round_list(request):
    """List every round open for applications now."""
    return render(request, "grants/round_list.html", {"rounds": selectors.open_rounds()})


def round_detail(request, pk):
    """Show what a round funds, who can apply, its dates, how much, and its criteria."""
    round = round_or_404(pk)
    require(can_see_round(request.user, round))
    return render(
        request,
        "grants/round_detail.html",
        {
            "organisation": round.organisation,
            "round": round,
            "pots": selectors.pots_in_round(round),
            "criteria": round.criteria.all(),
            "can_apply": can_apply(request.user, round),
            "can_manage_round": can_manage_round(request.user, round),
        },
    )
