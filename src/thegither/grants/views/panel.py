"""The round's panel: staff choose its members and chair; members say who they know."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thegither.core.forms import add_refusal, posted
from thegither.core.permissions import require
from thegither.core.refusals import Refused
from thegither.grants import scoring, selectors, services
from thegither.grants.forms import DeclareForm, PanelAddForm
from thegither.grants.models import ConflictDeclaration, PanelMember
from thegither.grants.permissions import (
    can_declare,
    can_manage_panel,
    can_read_as_panel,
    can_see_meeting,
    can_see_review,
    panel_membership,
    score_decisions,
)
from thegither.grants.views.common import application_or_404, round_or_404, say_refusal


def _member_or_404(pk: int) -> PanelMember:
    return get_object_or_404(
        PanelMember.objects.select_related("round__fund__organisation", "user"), pk=pk
    )


@login_required
def panel(request, pk):
    """Staff see the round's panel, add young panel members and choose the chair."""
    round = round_or_404(pk)
    require(can_manage_panel(request.user, round))
    form = PanelAddForm(posted(request), candidates=selectors.panel_candidates(round))
    if request.method == "POST" and form.is_valid():
        try:
            services.panel_member_add(
                round=round, person=form.cleaned_data["person"], by=request.user
            )
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("Added them to the panel."))
            return redirect("grants:panel", pk=round.pk)
    return render(
        request,
        "grants/panel.html",
        {
            "organisation": round.organisation,
            "round": round,
            "members": selectors.panel_members_in_round(round),
            "form": form,
        },
    )


@require_POST
@login_required
def panel_member_remove(request, pk):
    """Take someone off the panel."""
    member = _member_or_404(pk)
    require(can_manage_panel(request.user, member.round))
    services.panel_member_remove(member=member, by=request.user)
    messages.success(request, _("Took them off the panel."))
    return redirect("grants:panel", pk=member.round_id)


@require_POST
@login_required
def panel_chair(request, pk):
    """Make this member the panel's chair."""
    member = _member_or_404(pk)
    require(can_manage_panel(request.user, member.round))
    try:
        services.panel_chair_set(member=member, by=request.user)
    except Refused as error:
        say_refusal(request, error)
    else:
        messages.success(request, _("%(name)s is the chair now.") % {"name": member.user})
    return redirect("grants:panel", pk=member.round_id)


def _declare_form(application, declaration, data=None) -> DeclareForm:
    initial = {}
    if declaration is not None:
        initial = {
            "knows_group": "yes" if declaration.has_conflict else "no",
            "reason": declaration.reason,
        }
    return DeclareForm(data, prefix=f"a{application.pk}", initial=initial)


@login_required
def to_read(request, pk):
    """A panel member's list: say who they know on each application, then score them."""
    round = round_or_404(pk)
    require(can_read_as_panel(request.user, round))
    member = panel_membership(request.user, round)
    pairs = selectors.applications_to_read(round, member)
    assessments = scoring.assessments_of(member)
    queue = scoring.queue_of(pairs, assessments)
    can_score_on = score_decisions(request.user, round, [a for a, _said in pairs])
    rows = [
        (a, said, _declare_form(a, said), can_score_on[a.pk], assessments.get(a.pk))
        for a, said in pairs
    ]
    return render(
        request,
        "grants/to_read.html",
        {
            "organisation": round.organisation,
            "round": round,
            "member": member,
            "rows": rows,
            "progress": scoring.progress_of(queue),
            "can_see_review": can_see_review(request.user, round),
            "can_see_meeting": can_see_meeting(request.user, round),
        },
    )


@login_required
def declare(request, pk):
    """Say whether you know the group behind one application (or change what you said)."""
    application = application_or_404(pk)
    require(can_declare(request.user, application))
    member = panel_membership(request.user, application.round)
    if member is None:  # Taken off the panel between the check and now.
        raise Http404
    declaration = ConflictDeclaration.objects.filter(
        panel_member=member, application=application
    ).first()
    form = _declare_form(application, declaration, posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.conflict_declare(
                application=application,
                has_conflict=form.cleaned_data["knows_group"] == "yes",
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("Saved, thank you."))
            return redirect("grants:to-read", pk=application.round_id)
    return render(
        request,
        "grants/declare.html",
        {
            "organisation": application.round.organisation,
            "round": application.round,
            "application": application,
            "form": form,
        },
    )
