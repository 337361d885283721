"""Two-step log-in: the code after the password, setting it up, turning it off, resetting it."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from thegither.accounts import pending, services
from thegither.accounts.forms import OrganisationTwoStepForm, TwoStepCodeForm, TwoStepSetUpForm
from thegither.accounts.models import Membership, Organisation, User
from thegither.accounts.permissions import (
    can_require_two_step,
    can_reset_two_step,
    can_set_up_two_step,
)
from thegither.accounts.selectors import (
    recovery_codes_left,
    staff_with_two_step,
    two_step_is_on,
    two_step_required_for,
)
from thegither.core.permissions import require

# Fewer recovery codes than this left: suggest making new ones.
FEW_RECOVERY_CODES = 3


def two_step_divert(request, user: User, next_url: str) -> HttpResponse | None:
    """After a right password, send someone with two-step log-in to type their code.

    Return None if they have none, so the log-in carries on as usual. They are not
    logged in here: the session only remembers who is waiting.
    """
    if not two_step_is_on(user):
        return None
    backend = getattr(user, "backend", None) or settings.AUTHENTICATION_BACKENDS[-1]
    pending.pending_start(request, user, backend=backend, next_url=next_url)
    return redirect("accounts:login-code")


def _qr_svg(link: str) -> str:
    import segno

    label = escape(_("QR code for your authenticator app"))
    qr = segno.make(link, error="m")
    width, height = qr.symbol_size(scale=4)
    svg = qr.svg_inline(scale=4, dark="#000", light="#fff")
    # A viewBox lets the code shrink on a narrow screen instead of being cut off.
    return svg.replace(
        "<svg ", f'<svg role="img" aria-label="{label}" viewBox="0 0 {width} {height}" ', 1
    )


@never_cache
def login_code(request):
    """Ask for the code from the app after a right password, then log the person in."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    user = pending.pending_user(request)
    if user is None:
        messages.info(request, _("Log in with your password first."))
        return redirect("accounts:login")
    form = TwoStepCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.two_step_verify(user=user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            next_url = pending.pending_next(request) or resolve_url(settings.LOGIN_REDIRECT_URL)
            backend = pending.pending_backend(request)
            pending.pending_clear(request)
            # As django-otp does: the log-in signal sees which device was used.
            user.otp_device = device
            login(request, user, backend=backend)
            if isinstance(device, StaticDevice):
                left = recovery_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code. You have %(count)d left.",
                        "You used a recovery code. You have %(count)d left.",
                        left,
                    )
                    % {"count": left}
                    + (
                        " " + _("Make new ones on 'Two-step log-in' in 'Your account'.")
                        if left < FEW_RECOVERY_CODES
                        else ""
                    ),
                )
            return redirect(next_url)
    return render(request, "accounts/two_step/login_code.html", {"form": form})


@login_required
def two_step(request):
    """Show whether two-step log-in is on, and what the person can do about it."""
    require(can_set_up_two_step(request.user))
    return render(
        request,
        "accounts/two_step/status.html",
        {
            "is_on": two_step_is_on(request.user),
            "is_required": two_step_required_for(request.user),
            "codes_left": recovery_codes_left(request.user),
        },
    )


def _recovery_codes_page(request, codes: list[str], *, first_time: bool):
    return render(
        request,
        "accounts/two_step/recovery_codes.html",
        {
            "codes": [services.recovery_code_display(code) for code in codes],
            "first_time": first_time,
        },
    )


@login_required
@never_cache
def two_step_set_up(request):
    """Show the secret as a QR code and as text, check a code from the app, show recovery codes."""
    require(can_set_up_two_step(request.user))
    if two_step_is_on(request.user):
        return redirect("accounts:two-step")
    key = request.session.get(pending.SET_UP_KEY)
    if not isinstance(key, str) or len(key) != 40:
        key = services.two_step_key_make()
        request.session[pending.SET_UP_KEY] = key
    form = TwoStepSetUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.two_step_set_up(
                user=request.user, key=key, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session.pop(pending.SET_UP_KEY, None)
            request.session[pending.STATE_KEY] = pending.VERIFIED
            return _recovery_codes_page(request, codes, first_time=True)
    link = services.two_step_app_link(user=request.user, key=key)
    return render(
        request,
        "accounts/two_step/set_up.html",
        {
            "form": form,
            "qr_svg": _qr_svg(link),
            "typed_key": services.two_step_key_for_typing(key),
            "is_required": two_step_required_for(request.user),
        },
    )


@login_required
@never_cache
def two_step_turn_off(request):
    """Turn off the person's own two-step log-in, after a code to show it's them."""
    require(can_set_up_two_step(request.user))
    if not two_step_is_on(request.user):
        return redirect("accounts:two-step")
    is_required = two_step_required_for(request.user)
    form = TwoStepCodeForm(request.POST or None)
    if request.method == "POST" and not is_required and form.is_valid():
        try:
            services.two_step_turn_off(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session[pending.STATE_KEY] = pending.OFF
            messages.success(request, _("Two-step log-in is off."))
            return redirect("accounts:account")
    return render(
        request,
        "accounts/two_step/turn_off.html",
        {"form": form, "is_required": is_required},
    )


@login_required
@never_cache
def two_step_recovery_codes(request):
    """Make new recovery codes (the old ones stop working), after a code to show it's them."""
    require(can_set_up_two_step(request.user))
    if not two_step_is_on(request.user):
        return redirect("accounts:two-step")
    form = TwoStepCodeForm(request.POST or None)
    form.fields["code"].help_text = _("6 numbers from your app.")
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.two_step_recovery_codes_renew(
                user=request.user, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _recovery_codes_page(request, codes, first_time=False)
    return render(request, "accounts/two_step/recovery_codes_new.html", {"form": form})


@login_required
def organisation_two_step(request, slug):
    """Let an organisation admin say whether all staff must use two-step log-in."""
    organisation = get_object_or_404(Organisation, slug=slug)
    require(can_require_two_step(request.user, organisation))
    form = OrganisationTwoStepForm(
        request.POST or None,
        initial={"required": "yes" if organisation.two_step_required else "no"},
    )
    if request.method == "POST" and form.is_valid():
        organisation = services.organisation_two_step_require(
            organisation=organisation, required=form.cleaned_data["required"], by=request.user
        )
        if organisation.two_step_required:
            messages.success(
                request,
                _(
                    "Saved. Staff and admins who haven't set up two-step log-in will be "
                    "asked to the next time they log in."
                ),
            )
        else:
            messages.success(request, _("Saved. Staff can choose for themselves."))
        return redirect("accounts:organisation-two-step", slug=organisation.slug)
    memberships = list(staff_with_two_step(organisation))
    rows = [
        {
            "membership": membership,
            "can_reset": membership.has_two_step
            and can_reset_two_step(request.user, membership.user).allowed,
        }
        for membership in memberships
    ]
    return render(
        request,
        "accounts/two_step/organisation.html",
        {"organisation": organisation, "form": form, "rows": rows},
    )


@require_POST
@login_required
def two_step_reset_view(request, slug, pk):
    """Turn off someone's two-step log-in because they lost their phone."""
    membership = get_object_or_404(
        Membership.objects.select_related("user", "organisation"), pk=pk, organisation__slug=slug
    )
    require(can_reset_two_step(request.user, membership.user))
    name = membership.user.display_name
    if services.two_step_reset(person=membership.user, by=request.user):
        messages.success(
            request,
            _(
                "Two-step log-in is off for %(name)s, and they've been logged out everywhere. "
                "They can set it up again with their new phone."
            )
            % {"name": name},
        )
    else:
        messages.info(request, _("%(name)s didn't have two-step log-in on.") % {"name": name})
    return redirect("accounts:organisation-two-step", slug=slug)
