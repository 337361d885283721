"""A group applies: write a draft, come back later, check the answers, send, take back."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from thegither.core.forms import add_refusal
from thegither.core.permissions import require
from thegither.core.refusals import Refusal, Refused
from thegither.grants import reporting, selectors, services
from thegither.grants.forms import ApplicationForm, SubmitForm
from thegither.grants.letters import letter_for
from thegither.grants.next_steps import next_step
from thegither.grants.permissions import (
    can_apply,
    can_edit_application,
    can_see_application,
    can_withdraw,
)
from thegither.grants.views.common import application_or_404, round_or_404
from thegither.grants.views.money import application_award

CHECK = "check"


def _save(request, form, round):
    """Save the draft; return where to go next, or None to show the form again."""
    try:
        application = services.application_draft_save(
            round=round,
            start_key=form.cleaned_data["start_key"],
            draft=form.draft(),
            by=request.user,
        )
    except ValidationError as error:
        add_refusal(form, error)
        return None
    if CHECK in request.POST:
        return redirect("grants:application-check", pk=application.pk)
    messages.success(
        request,
        _("Saved. You can come back and finish it any time before the round closes."),
    )
    return redirect("grants:application-edit", pk=application.pk)


def _form_page(request, form, round, application=None):
    return render(
        request,
        "grants/application_form.html",
        {
            "organisation": round.organisation,
            "round": round,
            "form": form,
            "application": application,
            "pots": selectors.pots_in_round(round),
        },
    )


@login_required
@never_cache
def application_new(request, pk):
    """Start an application to the round (it is saved as a draft first)."""
    round = round_or_404(pk)
    require(can_apply(request.user, round))
    form = ApplicationForm.blank(round, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        response = _save(request, form, round)
        if response is not None:
            return response
    return _form_page(request, form, round)


@login_required
@never_cache
def application_edit(request, pk):
    """Carry on with a draft."""
    application = application_or_404(pk)
    require(can_edit_application(request.user, application))
    data = request.POST if request.method == "POST" else None
    form = ApplicationForm.for_application(application, data)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["start_key"] != application.start_key:
            form.add_error(None, _("This form belongs to another application."))
        else:
            response = _save(request, form, application.round)
            if response is not None:
                return response
    return _form_page(request, form, application.round, application)


@login_required
@never_cache
def application_check(request, pk):
    """Show every answer before sending, with anything still missing; send it."""
    application = application_or_404(pk)
    require(can_see_application(request.user, application))
    if not application.is_draft:
        return redirect("grants:application-detail", pk=application.pk)
    require(can_edit_application(request.user, application))
    form = SubmitForm(
        request.POST if request.method == "POST" else None,
        initial={"submission_key": uuid.uuid4()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(
                application=application,
                submission_key=form.cleaned_data["submission_key"],
                by=request.user,
            )
        except Refused as error:
            if error.kind != Refusal.INVALID:
                raise
            messages.error(request, _("Some answers still need fixing. They are listed below."))
        else:
            messages.success(
                request, _("Sent. Thank you! We'll email you when it has been checked.")
            )
            return redirect("grants:application-detail", pk=application.pk)
        application = application_or_404(pk)
    return render(
        request,
        "grants/application_check.html",
        {
            "organisation": application.round.organisation,
            "round": application.round,
            "application": application,
            "answers": selectors.questions_with_answers(application),
            "problems": selectors.application_problems(application),
            "form": form,
        },
    )


@login_required
def application_detail(request, pk):
    """Show an application, its status and what happens next."""
    application = application_or_404(pk)
    require(can_see_application(request.user, application))
    return render(
        request,
        "grants/application_detail.html",
        {
            "organisation": application.round.organisation,
            "round": application.round,
            "application": application,
            "answers": selectors.questions_with_answers(application),
            "can_edit": can_edit_application(request.user, application),
            "can_withdraw": can_withdraw(request.user, application),
            "report_link": reporting.report_link(request.user, application),
            "letter": letter_for(request.user, application),
            "next_step": next_step(application),
        }
        | application_award(request.user, application),
    )


@login_required
def application_withdraw(request, pk):
    """Ask, then take the application back."""
    application = application_or_404(pk)
    require(can_withdraw(request.user, application))
    if request.method == "POST":
        services.application_withdraw(application=application, by=request.user)
        messages.success(request, _("You've taken the application back. The panel won't see it."))
        return redirect("grants:my-applications")
    return render(
        request,
        "grants/application_withdraw.html",
        {"organisation": application.round.organisation, "application": application},
    )


@login_required
def my_applications(request):
    """List the group contact's applications: status, the panel's decision, what happens next."""
    applications = list(selectors.applications_for_contact(request.user))
    return render(
        request,
        "grants/my_applications.html",
        {
            "rows": [
                (
                    application,
                    can_edit_application(request.user, application),
                    next_step(application),
                )
                for application in applications
            ],
        },
    )
