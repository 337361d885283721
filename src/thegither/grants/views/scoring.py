"""Scoring: members score on a phone; staff see who has finished; everyone allowed reviews."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from thegither.core.forms import add_refusal, posted
from thegither.core.permissions import require
from thegither.grants import scoring, selectors, services
from thegither.grants.forms import ScoreForm
from thegither.grants.models import Assessment
from thegither.grants.permissions import (
    can_follow_scoring,
    can_remind_panel,
    can_score,
    can_see_review,
    can_see_scores,
    panel_membership,
)
from thegither.grants.services.scoring import comment_field, score_field
from thegither.grants.views.common import application_or_404, round_or_404

SAVE_AND_NEXT = "next"


@login_required
def score(request, pk):
    """One application on a page: the group's answers, then a score for each criterion."""
    application = application_or_404(pk)
    require(can_score(request.user, application))
    member = panel_membership(request.user, application.round)
    if member is None:  # Taken off the panel between the check and now.
        raise Http404
    criteria = list(application.round.criteria.order_by("position", "pk"))
    assessment = (
        Assessment.objects.filter(panel_member=member, application=application)
        .prefetch_related("scores")
        .first()
    )
    form = ScoreForm(posted(request), criteria=criteria, initial=ScoreForm.initial_from(assessment))
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.scores_save(
                application=application,
                entries=form.entries(),
                notes=form.cleaned_data["notes"],
                by=request.user,
            )
        except ValidationError as error:
            add_refusal(form, error)
        else:
            return _after_saving(request, member, application, assessment)
    queue = scoring.member_queue(member)
    others = []
    if can_see_scores(request.user, application):
        others = scoring.others_scores(application, member)
    return render(
        request,
        "grants/score.html",
        {
            "organisation": application.round.organisation,
            "round": application.round,
            "application": application,
            "answers": selectors.questions_with_answers(application),
            "form": form,
            "criteria_fields": [
                (form[score_field(c.pk)], form[comment_field(c.pk)], c) for c in criteria
            ],
            "progress": scoring.progress_of(queue),
            "others": others,
        },
        status=400 if form.errors else 200,
    )


def _after_saving(request, member, application, assessment):
    if request.POST.get("then") != SAVE_AND_NEXT:
        messages.success(request, _("Saved."))
        return redirect("grants:score", pk=application.pk)
    if not assessment.is_finished:
        messages.info(request, _("Saved. Some scores are still to do on this one."))
    following = scoring.next_to_score(scoring.member_queue(member), after=application.pk)
    if following is None:
        messages.success(request, _("Saved. You've scored everything you can. Thank you!"))
        return redirect("grants:to-read", pk=application.round_id)
    if assessment.is_finished:
        messages.success(request, _("Saved. Here's the next one."))
    return redirect("grants:score", pk=following.pk)


@login_required
def scoring_progress(request, pk):
    """Staff see who on the panel has finished scoring (never the scores), to nudge them."""
    round = round_or_404(pk)
    require(can_follow_scoring(request.user, round))
    return render(
        request,
        "grants/scoring_progress.html",
        {
            "organisation": round.organisation,
            "round": round,
            "rows": scoring.scoring_progress(round),
            "can_remind": can_remind_panel(request.user, round),
        },
    )


@require_POST
@login_required
def scoring_remind(request, pk):
    """Email the panel members who haven't finished."""
    round = round_or_404(pk)
    require(can_remind_panel(request.user, round))
    sent = services.scoring_reminders_send(round=round, by=request.user)
    if sent:
        messages.success(
            request,
            ngettext(
                "Sent a reminder to %(count)d panel member.",
                "Sent reminders to %(count)d panel members.",
                sent,
            )
            % {"count": sent},
        )
    else:
        messages.info(request, _("Nobody needed a reminder (or they have no email address)."))
    return redirect("grants:scoring-progress", pk=round.pk)


@login_required
def review(request, pk):
    """The score review for the decision meeting: one table per area, sortable without scripts."""
    round = round_or_404(pk)
    require(can_see_review(request.user, round))
    sort = request.GET.get("sort", scoring.DEFAULT_SORT[0])
    descending = request.GET.get("order", "down") != "up"
    if sort not in scoring.SORTS:
        sort, descending = scoring.DEFAULT_SORT
    criteria, areas = scoring.score_review(round, request.user, sort=sort, descending=descending)
    most = scoring.weighted_most(criteria)
    return render(
        request,
        "grants/review.html",
        {
            "organisation": round.organisation,
            "round": round,
            "criteria": criteria,
            "areas": areas,
            "most": most,
            # Words used on every row, translated once (a 500-row table is read for each).
            "labels": _review_labels(most),
            # Every application's page is this plus its number (checked by a test).
            "application_url": reverse("grants:application-detail", args=[0])[:-2],
            "headers": _sort_headers(sort, descending),
            "descending": descending,
            "member": panel_membership(request.user, round),
        },
    )


SORT_HEADERS = [
    ("group", _lazy("Group")),
    ("amount", _lazy("Asked for")),
    ("total", _lazy("Weighted total (average)")),
    ("spread", _lazy("Lowest to highest")),
    ("scored", _lazy("Scored by")),
]


def _sort_headers(sort: str, descending: bool) -> dict[str, dict]:
    """For each sortable column: its words, its `aria-sort`, and the link that sorts by it."""
    headers = {}
    for key, words in SORT_HEADERS:
        current = key == sort
        # A first click sorts names A to Z and numbers highest first; a second flips it.
        order = (
            ("up" if descending else "down") if current else ("up" if key == "group" else "down")
        )
        headers[key] = {
            "words": words,
            "aria_sort": ("descending" if descending else "ascending") if current else "",
            "query": f"?sort={key}&order={order}",
        }
    return headers


def _review_labels(most: int) -> dict[str, str]:
    return {
        "amount": _("Asked for"),
        "total": _("Weighted total (average)"),
        "no_scores": _("No scores yet"),
        "of_most": _("of %(most)s") % {"most": most},
        "spread": _("Lowest to highest"),
        "disagreement": _("Big difference: talk about it"),
        "scored": _("Scored by"),
        "member": _("member"),
        "members": _("members"),
        "scores": _("Scores"),
        "stepped_out": _("Stepped out"),
    }
