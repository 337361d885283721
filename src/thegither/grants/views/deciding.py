"""The decision meeting: the chair leads it, members vote on a phone, staff help and watch."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thegither.core.forms import add_refusal, posted
from thegither.core.permissions import require
from thegither.grants import services
from thegither.grants.deciding import VoteRow, meeting_summary
from thegither.grants.explaining import engine_words
from thegither.grants.forms import AttendanceForm, AwardForm, DecisionRulesForm
from thegither.grants.models import (
    Application,
    ApplicationStatus,
    Award,
    DecisionMeeting,
    PotAllocation,
    Vote,
)
from thegither.grants.permissions import (
    can_open_meeting,
    can_reoffer,
    can_run_meeting,
    can_see_meeting,
    can_set_decision_rules,
    panel_membership,
    vote_decisions,
)
from thegither.grants.views.common import round_or_404, say_refusal


def _meeting_or_404(round) -> DecisionMeeting:
    meeting = DecisionMeeting.objects.filter(round=round).select_related("round").first()
    if meeting is None:
        raise Http404
    return meeting


@login_required
def decision_rules(request, pk):
    """Staff choose how the round's votes become money, before the meeting opens."""
    round = round_or_404(pk)
    require(can_set_decision_rules(request.user, round))
    form = DecisionRulesForm(
        posted(request),
        initial={
            "decision_method": round.decision_method,
            "allocation_rule": round.allocation_rule,
            "quorum_percent": round.quorum_percent,
            "accept_within_days": round.accept_within_days,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_rules_set(
                round=round,
                method=form.cleaned_data["decision_method"],
                rule=form.cleaned_data["allocation_rule"],
                quorum_percent=form.cleaned_data["quorum_percent"],
                accept_within_days=form.cleaned_data["accept_within_days"],
                by=request.user,
            )
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("Saved. The panel will decide this way."))
            return redirect("grants:round-setup", pk=round.pk)
    return render(
        request,
        "grants/decision_rules.html",
        {"organisation": round.organisation, "round": round, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def meeting(request, pk):
    """The meeting page: who is here, each area's proposal and what is left in its pot."""
    round = round_or_404(pk)
    require(can_see_meeting(request.user, round))
    summary = meeting_summary(round)
    running = summary.meeting is not None and can_run_meeting(request.user, summary.meeting)
    member = panel_membership(request.user, round)
    attendance = None
    if running:
        attendance = AttendanceForm(
            members=summary.members,
            initial={"present": [str(pk) for pk in summary.present]},
        )
    return render(
        request,
        "grants/meeting.html",
        {
            "organisation": round.organisation,
            "round": round,
            "summary": summary,
            "member": member,
            "can_open": can_open_meeting(request.user, round),
            "can_run": running,
            "can_reoffer": can_reoffer(request.user, summary.pots[0].pot) if summary.pots else None,
            "attendance": attendance,
        },
    )


@require_POST
@login_required
def meeting_open(request, pk):
    round = round_or_404(pk)
    require(can_open_meeting(request.user, round))
    services.meeting_open(round=round, by=request.user)
    messages.success(request, _("The meeting is open. Now tick who is here."))
    return redirect("grants:meeting", pk=round.pk)


@require_POST
@login_required
def meeting_attendance(request, pk):
    round = round_or_404(pk)
    meeting = _meeting_or_404(round)
    require(can_run_meeting(request.user, meeting))
    members = list(round.panel_members.order_by("number"))
    form = AttendanceForm(request.POST, members=members)
    if not form.is_valid():
        messages.error(request, _("Tick the people who are here."))
    else:
        try:
            services.attendance_set(
                meeting=meeting,
                present={int(pk) for pk in form.cleaned_data["present"]},
                by=request.user,
            )
        except ValidationError as error:
            say_refusal(request, error)
        else:
            messages.success(request, _("Saved who is here."))
    return redirect("grants:meeting", pk=round.pk)


@require_POST
@login_required
def meeting_propose(request, pk):
    round = round_or_404(pk)
    meeting = _meeting_or_404(round)
    require(can_run_meeting(request.user, meeting))
    try:
        services.allocation_propose(meeting=meeting, by=request.user)
    except ValidationError as error:
        say_refusal(request, error)
    else:
        messages.success(request, _("Here is the proposal. Read why for each one."))
    return redirect("grants:meeting", pk=round.pk)


@require_POST
@login_required
def casting_vote(request, pk):
    allocation = get_object_or_404(PotAllocation.objects.select_related("meeting__round"), pk=pk)
    require(can_run_meeting(request.user, allocation.meeting))
    application = Application.objects.filter(
        pk=request.POST.get("application") or 0, pot=allocation.pot_id
    ).first()
    if application is None:
        messages.error(request, _("Choose one of the applications in the tie."))
    else:
        try:
            services.casting_vote_cast(
                allocation=allocation, application=application, by=request.user
            )
        except ValidationError as error:
            say_refusal(request, error)
        else:
            messages.success(
                request, _("Your casting vote put %(group)s first.") % {"group": application}
            )
    return redirect("grants:meeting", pk=allocation.meeting.round_id)


@require_POST
@login_required
def meeting_confirm(request, pk):
    round = round_or_404(pk)
    meeting = _meeting_or_404(round)
    require(can_run_meeting(request.user, meeting))
    try:
        services.meeting_confirm(meeting=meeting, by=request.user)
    except ValidationError as error:
        say_refusal(request, error)
    else:
        messages.success(request, _("The decision is final. Well done, everyone."))
    return redirect("grants:meeting", pk=round.pk)


@login_required
def award_change(request, pk):
    """The panel changes one award: part of the money with a condition, or no with a reason."""
    award = get_object_or_404(
        Award.objects.select_related("application", "pot__area", "meeting__round__fund"), pk=pk
    )
    require(can_run_meeting(request.user, award.meeting))
    form = AwardForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["choice"] == "decline":
                services.award_decline(award=award, reason=data["reason"], by=request.user)
            else:
                amount = (
                    award.application.amount_pence if data["choice"] == "full" else data["amount"]
                )
                services.award_change(
                    award=award, amount_pence=amount, condition=data["condition"], by=request.user
                )
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("Saved for %(group)s.") % {"group": award.application})
            return redirect("grants:meeting", pk=award.meeting.round_id)
    round = award.meeting.round
    return render(
        request,
        "grants/award_change.html",
        {
            "organisation": round.organisation,
            "round": round,
            "award": award,
            "words": engine_words(award, method=award.meeting.method, rule=award.meeting.rule),
            "left_pence": award.pot.amount_pence
            - services.pot_given_pence(award.pot, leaving_out=award),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
def vote(request, pk):
    """A member's voting page on a phone: tick the applications they support."""
    round = round_or_404(pk)
    require(can_see_meeting(request.user, round))
    member = panel_membership(request.user, round)
    if member is None:
        raise Http404  # staff watch the meeting page; they don't vote
    applications = list(
        Application.objects.filter(round=round, status=ApplicationStatus.ELIGIBLE)
        .select_related("pot__area", "round")
        .order_by("pot__area__name", "group_name", "pk")
    )
    allowed = vote_decisions(request.user, round, applications)
    mine = set(Vote.objects.filter(panel_member=member).values_list("application_id", flat=True))
    stepped_out = set(
        member.declarations.filter(has_conflict=True).values_list("application_id", flat=True)
    )
    rows = [VoteRow(a, allowed[a.pk], a.pk in mine, a.pk in stepped_out) for a in applications]
    return render(
        request,
        "grants/vote.html",
        {
            "organisation": round.organisation,
            "round": round,
            "member": member,
            "rows": rows,
            "meeting": DecisionMeeting.objects.filter(round=round).first(),
        },
    )


@require_POST
@login_required
def vote_set(request, pk):
    application = get_object_or_404(Application.objects.select_related("round"), pk=pk)
    try:
        services.vote_set(
            application=application,
            supports=request.POST.get("supports") == "yes",
            by=request.user,
        )
    except ValidationError as error:
        say_refusal(request, error)
    else:
        messages.success(request, _("Saved your vote on %(group)s.") % {"group": application})
    url = reverse("grants:vote", args=[application.round_id])
    return redirect(f"{url}#application-{application.pk}")
