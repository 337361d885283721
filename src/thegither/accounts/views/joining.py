"""Invitations: staff make them, people join with them."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from thegither.accounts.forms import (
    InvitationForm,
    JoinForm,
)
from thegither.accounts.models import Invitation, Organisation
from thegither.accounts.permissions import (
    can_invite,
)
from thegither.accounts.selectors import (
    invitation_for_token,
    invitation_problem,
)
from thegither.accounts.services import (
    invitation_accept,
    invitation_create,
)
from thegither.accounts.views.log_in import LOGIN_BACKEND
from thegither.core.clients import client_address
from thegither.core.permissions import require
from thegither.core.ratelimit import RateLimit, hit_each, too_many_tries
from thegither.core.refusals import Refusal

# Generous, because a whole group may join at once from one hall's wifi; the code on
# each invitation also stops working after 5 wrong tries.
JOINS_PER_CLIENT = RateLimit("join-client", limit=60, seconds=10 * 60)
# Where a new invitation's link and code wait, between making it and showing it once.
READY_SESSION_KEY = "accounts:invitation-ready"


@never_cache
def join(request, token):
    """Make an account from an invitation link and the code a youth worker gave."""
    invitation = invitation_for_token(token)
    if request.method == "POST" or invitation is None:
        # Count tries with a code, and links that are nobody's (someone may be guessing).
        verdict = hit_each((JOINS_PER_CLIENT, client_address(request)))
        if not verdict:
            return too_many_tries(request, verdict)
    if invitation is None:
        return render(
            request,
            "accounts/join_problem.html",
            {
                "reason": _(
                    "This invitation link doesn't work. Check you copied all of it, "
                    "or ask your youth worker for a new one."
                ),
            },
            status=404,
        )
    if request.user.is_authenticated:
        return render(request, "accounts/join_logged_in.html", {"invitation": invitation})
    problem = invitation_problem(invitation)
    if problem:
        return render(request, "accounts/join_problem.html", {"reason": problem})
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(
                token=token,
                code=form.cleaned_data["code"],
                username=form.cleaned_data["username"],
                display_name=form.cleaned_data["display_name"],
                age_band=form.cleaned_data["age_band"],
                password=form.cleaned_data["password"],
                email=form.cleaned_data["email"],
            )
        except ValidationError as error:
            if getattr(error, "kind", None) in {Refusal.UNUSABLE, Refusal.UNKNOWN}:
                return render(request, "accounts/join_problem.html", {"reason": error.messages[0]})
            form.add_error(None, error)
        else:
            login(request, user, backend=LOGIN_BACKEND)
            messages.success(
                request,
                _("Welcome to %(organisation)s! Your account is ready.")
                % {"organisation": invitation.organisation.name},
            )
            return redirect("accounts:dashboard")
    return render(
        request,
        "accounts/join.html",
        {"form": form, "invitation": invitation, "organisation": invitation.organisation},
    )


@login_required
@never_cache
def invitation_new(request, slug):
    """Make an invitation and show its link and code once."""
    organisation = get_object_or_404(Organisation, slug=slug)
    require(can_invite(request.user, organisation))
    form = InvitationForm(request.POST or None, user=request.user, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, token, code = invitation_create(
                organisation=organisation,
                role=form.cleaned_data["role"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Show the link and code on the next page, once: a refresh there makes nothing new.
            request.session[READY_SESSION_KEY] = {
                "organisation": organisation.pk,
                "invitation": invitation.pk,
                "link": request.build_absolute_uri(reverse("accounts:join", args=[token])),
                "code": f"{code[:3]} {code[3:]}",
            }
            return redirect("accounts:invitation-ready", slug=slug)
    return render(
        request, "accounts/invitation_form.html", {"form": form, "organisation": organisation}
    )


@login_required
@never_cache
def invitation_ready(request, slug):
    """Show a new invitation's link and code once, then forget them."""
    organisation = get_object_or_404(Organisation, slug=slug)
    require(can_invite(request.user, organisation))
    ready = request.session.get(READY_SESSION_KEY)
    invitation = None
    if ready and ready.get("organisation") == organisation.pk:
        del request.session[READY_SESSION_KEY]
        invitation = Invitation.objects.filter(
            pk=ready["invitation"], organisation=organisation
        ).first()
    if invitation is None:
        return render(request, "accounts/invitation_created.html", {"organisation": organisation})
    return render(
        request,
        "accounts/invitation_created.html",
        {
            "organisation": organisation,
            "invitation": invitation,
            "link": ready["link"],
            "code": ready["code"],
        },
    )
