"""Staff set a round up: funds, rounds, pots per area, criteria, questions, steps."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thegither.accounts.models import Organisation
from thegither.core.forms import add_refusal, posted
from thegither.core.permissions import require
from thegither.core.refusals import Refused
from thegither.grants import selectors, services
from thegither.grants.forms import (
    CriterionForm,
    FundForm,
    PhaseForm,
    PotForm,
    QuestionForm,
    RoundForm,
)
from thegither.grants.models import Criterion, Fund, Pot, Question, RoundPhase
from thegither.grants.permissions import (
    can_change_criteria,
    can_change_round,
    can_draft_criteria,
    can_manage_grants,
    can_manage_round,
    can_see_meeting,
    can_see_money,
    can_see_review,
    can_set_decision_rules,
)
from thegither.grants.views.common import round_or_404, say_refusal


@login_required
def funds(request, slug):
    """List the organisation's funds and rounds; make a new fund."""
    organisation = get_object_or_404(Organisation, slug=slug)
    require(can_manage_grants(request.user, organisation))
    form = FundForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.fund_create(organisation=organisation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("Made the fund."))
            return redirect("grants:funds", slug=slug)
    return render(
        request,
        "grants/funds.html",
        {
            "organisation": organisation,
            "funds": selectors.funds_in_organisation(organisation),
            "form": form,
        },
    )


@login_required
def round_create(request, pk):
    """Start a new round of a fund."""
    fund = get_object_or_404(Fund.objects.select_related("organisation"), pk=pk)
    require(can_manage_grants(request.user, fund.organisation))
    form = RoundForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            round = services.round_create(fund=fund, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("Made the round. Now add its pots and criteria."))
            return redirect("grants:round-setup", pk=round.pk)
    return render(
        request,
        "grants/round_form.html",
        {"organisation": fund.organisation, "fund": fund, "form": form, "round": None},
    )


@login_required
def round_setup(request, pk):
    """Show everything about a round being set up, and what it needs for its next step."""
    round = round_or_404(pk)
    require(can_manage_round(request.user, round))
    upcoming = selectors.next_phase(round)
    return render(
        request,
        "grants/round_setup.html",
        {
            "organisation": round.organisation,
            "round": round,
            "pots": selectors.pots_in_round(round),
            "criteria": round.criteria.all(),
            "questions": round.questions.all(),
            "next_phase": RoundPhase(upcoming) if upcoming else None,
            "missing": selectors.round_missing_for(round, upcoming) if upcoming else [],
            "can_change": can_change_round(request.user, round),
            "can_see_review": can_see_review(request.user, round),
            "can_set_decision_rules": can_set_decision_rules(request.user, round),
            "can_see_meeting": can_see_meeting(request.user, round),
            "can_see_money": can_see_money(request.user, round),
        },
    )


@login_required
def round_edit(request, pk):
    """Change the round's name, words and dates while it is being set up."""
    round = round_or_404(pk)
    require(can_manage_round(request.user, round))
    form = RoundForm.for_round(round, posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.round_change(round=round, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("Saved the round."))
            return redirect("grants:round-setup", pk=round.pk)
    return render(
        request,
        "grants/round_form.html",
        {"organisation": round.organisation, "fund": round.fund, "form": form, "round": round},
    )


@require_POST
@login_required
def round_phase(request, pk):
    """Move the round on to its next step."""
    round = round_or_404(pk)
    require(can_manage_round(request.user, round))
    form = PhaseForm(request.POST)
    if form.is_valid():
        try:
            round = services.round_phase_move(
                round=round, to=form.cleaned_data["to"], by=request.user
            )
        except Refused as error:
            say_refusal(request, error)
        else:
            messages.success(
                request, _("The round is now at: %(step)s.") % {"step": round.get_phase_display()}
            )
    return redirect("grants:round-setup", pk=round.pk)


@login_required
def pots(request, pk):
    """Give the round a pot for each area, with the smallest and largest grant."""
    round = round_or_404(pk)
    require(can_manage_round(request.user, round))
    form = PotForm(posted(request), organisation=round.organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.pot_set(
                round=round,
                area=data["area"],
                amount_pence=data["amount"],
                min_grant_pence=data["min_grant"],
                max_grant_pence=data["max_grant"],
                by=request.user,
            )
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("Saved the pot for %(area)s.") % {"area": data["area"]})
            return redirect("grants:pots", pk=round.pk)
    return render(
        request,
        "grants/pots.html",
        {
            "organisation": round.organisation,
            "round": round,
            "pots": selectors.pots_in_round(round),
            "form": form,
            "can_change": can_change_round(request.user, round),
        },
    )


@require_POST
@login_required
def pot_remove(request, pk):
    pot = get_object_or_404(Pot.objects.select_related("round__fund__organisation", "area"), pk=pk)
    require(can_manage_round(request.user, pot.round))
    try:
        services.pot_remove(pot=pot, by=request.user)
    except Refused as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Took out the pot for %(area)s.") % {"area": pot.area.name})
    return redirect("grants:pots", pk=pot.round_id)


def _drafting_page(request, pk, *, form_class, add, template, items):
    round = round_or_404(pk)
    decision = can_draft_criteria(request.user, round)
    require(decision)
    form = form_class(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            add(round=round, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("Added it."))
            return redirect(request.path)
    return render(
        request,
        template,
        {
            "organisation": round.organisation,
            "round": round,
            "items": items(round),
            "form": form,
            "can_change": can_change_criteria(request.user, round),
            "can_manage_round": can_manage_round(request.user, round),
        },
    )


@login_required
def criteria(request, pk):
    """Write what the panel looks for, in plain words (staff and panel members)."""
    return _drafting_page(
        request,
        pk,
        form_class=CriterionForm,
        add=services.criterion_add,
        template="grants/criteria.html",
        items=lambda round: round.criteria.all(),
    )


@login_required
def questions(request, pk):
    """Write the round's own questions for groups (staff and panel members)."""
    return _drafting_page(
        request,
        pk,
        form_class=QuestionForm,
        add=services.question_add,
        template="grants/questions.html",
        items=lambda round: round.questions.all(),
    )


@require_POST
@login_required
def criterion_remove(request, pk):
    criterion = get_object_or_404(
        Criterion.objects.select_related("round__fund__organisation"), pk=pk
    )
    require(can_draft_criteria(request.user, criterion.round))
    try:
        services.criterion_remove(criterion=criterion, by=request.user)
    except Refused as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Took it out."))
    return redirect("grants:criteria", pk=criterion.round_id)


@require_POST
@login_required
def question_remove(request, pk):
    question = get_object_or_404(
        Question.objects.select_related("round__fund__organisation"), pk=pk
    )
    require(can_draft_criteria(request.user, question.round))
    try:
        services.question_remove(question=question, by=request.user)
    except Refused as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Took it out."))
    return redirect("grants:questions", pk=question.round_id)
