"""Staff check each sent application: can it go to the panel?"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from thegither.core.forms import add_refusal
from thegither.core.permissions import require
from thegither.grants import selectors, services
from thegither.grants.forms import ScreenForm
from thegither.grants.permissions import can_manage_round, can_screen, screening_decisions
from thegither.grants.views.common import application_or_404, round_or_404


@login_required
def screening(request, pk):
    """List the round's sent applications with their status, for staff to check."""
    round = round_or_404(pk)
    require(can_manage_round(request.user, round))
    applications = list(selectors.applications_to_screen(round))
    decisions = screening_decisions(request.user, round, applications)
    return render(
        request,
        "grants/screening.html",
        {
            "organisation": round.organisation,
            "round": round,
            "rows": [(a, decisions[a.pk]) for a in applications],
        },
    )


@login_required
def application_screen(request, pk):
    """Say whether one application can go to the panel, with a reason if not."""
    application = application_or_404(pk)
    require(can_screen(request.user, application))
    form = ScreenForm(
        request.POST if request.method == "POST" else None,
        initial={
            "outcome": application.status if application.screened_at else None,
            "reason": application.screening_reason,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.application_screen(
                application=application,
                eligible=form.cleaned_data["outcome"] == "eligible",
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("Saved. The group will get an email."))
            return redirect("grants:screening", pk=application.round_id)
    return render(
        request,
        "grants/application_screen.html",
        {
            "organisation": application.round.organisation,
            "round": application.round,
            "application": application,
            "answers": selectors.questions_with_answers(application),
            "form": form,
        },
    )
