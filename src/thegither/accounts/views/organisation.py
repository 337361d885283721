"""An organisation's own look and its looking-after: name, logo, colour, areas.

Also the buttons on the people page that act on the organisation's people and
invitations (cancel, switch off, take out), so people.py stays about the list.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thegither.accounts.forms import AreaForm, LogoForm, OrganisationForm
from thegither.accounts.models import Area, Invitation, Membership, Organisation
from thegither.accounts.permissions import (
    can_cancel_invitation,
    can_deactivate,
    can_manage_organisation,
    can_manage_people,
    can_remove_member,
)
from thegither.accounts.selectors import areas_in_organisation
from thegither.accounts.services import (
    account_deactivate,
    account_reactivate,
    area_add,
    area_remove,
    area_rename,
    invitation_cancel,
    membership_remove,
    organisation_details_change,
    organisation_logo_change,
    organisation_logo_remove,
)
from thegither.core.colours import HEX_COLOUR, MINIMUM_CONTRAST, contrast_ratio
from thegither.core.forms import posted
from thegither.core.permissions import require
from thegither.core.uploads import CONTENT_TYPES

DEFAULT_ACCENT = "#1d5c63"


@require_GET
@cache_control(max_age=300, public=True)
def theme_css(request, slug):
    """Serve the organisation's colours as CSS custom properties (no inline styles)."""
    organisation = get_object_or_404(Organisation, slug=slug)
    accent = organisation.accent_colour or ""
    # Never serve a colour that is malformed or too light, even if one got into the database.
    if not HEX_COLOUR.match(accent) or contrast_ratio(accent, "#ffffff") < MINIMUM_CONTRAST:
        accent = DEFAULT_ACCENT
    css = f":root {{\n  --accent: {accent.lower()};\n  --accent-text: #ffffff;\n}}\n"
    return HttpResponse(css, content_type="text/css; charset=utf-8")


@require_GET
# The address holds the file's random name, which changes with every new logo.
@cache_control(max_age=60 * 60 * 24 * 30, public=True)
# Even if a picture held something else, a browser may run nothing from it.
@csp_override({"default-src": [CSP.NONE], "sandbox": True})
def organisation_logo(request, slug, name):
    """Serve the organisation's logo with the image type it was checked to be."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not organisation.logo or organisation.logo.name.rsplit("/", 1)[-1] != name:
        raise Http404
    content_type = CONTENT_TYPES.get(name.rsplit(".", 1)[-1])
    if content_type is None:
        raise Http404
    try:
        logo = organisation.logo.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(logo, content_type=content_type)


def _organisation_to_manage(request, slug) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    require(can_manage_organisation(request.user, organisation))
    return organisation


@login_required
@never_cache
def organisation_settings(request, slug):
    """Change the organisation's name and colour; see its logo."""
    organisation = _organisation_to_manage(request, slug)
    form = OrganisationForm.for_organisation(organisation, posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            organisation_details_change(
                organisation=organisation,
                name=form.cleaned_data["name"],
                accent_colour=form.cleaned_data["accent_colour"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved the name and colour."))
            return redirect("accounts:organisation-settings", slug=slug)
    return render(
        request,
        "accounts/organisation_settings.html",
        {"organisation": organisation, "form": form},
    )


@login_required
@never_cache
def organisation_logo_new(request, slug):
    """Upload a new logo (checked by what is inside the file)."""
    organisation = _organisation_to_manage(request, slug)
    form = LogoForm(request.POST, request.FILES) if request.method == "POST" else LogoForm()
    if request.method == "POST" and form.is_valid():
        try:
            organisation_logo_change(
                organisation=organisation, logo=form.cleaned_data["logo"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved the new logo."))
            return redirect("accounts:organisation-settings", slug=slug)
    return render(
        request, "accounts/organisation_logo.html", {"organisation": organisation, "form": form}
    )


@require_POST
@login_required
def organisation_logo_delete(request, slug):
    """Take the logo away."""
    organisation = _organisation_to_manage(request, slug)
    organisation_logo_remove(organisation=organisation, by=request.user)
    messages.success(request, _("The logo has been removed."))
    return redirect("accounts:organisation-settings", slug=slug)


# Areas


@login_required
@never_cache
def areas(request, slug):
    """List the organisation's areas and add a new one."""
    organisation = _organisation_to_manage(request, slug)
    form = AreaForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            area = area_add(
                organisation=organisation, name=form.cleaned_data["name"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Added the area %(name)s.") % {"name": area.name})
            return redirect("accounts:areas", slug=slug)
    return render(
        request,
        "accounts/areas.html",
        {
            "organisation": organisation,
            "form": form,
            "areas": list(areas_in_organisation(organisation)),
        },
    )


def _area_in(slug: str, pk: int) -> Area:
    return get_object_or_404(
        Area.objects.select_related("organisation"), pk=pk, organisation__slug=slug
    )


@login_required
@never_cache
def area_rename_view(request, slug, pk):
    """Give an area a new name."""
    area = _area_in(slug, pk)
    require(can_manage_organisation(request.user, area.organisation))
    form = AreaForm.for_area(area, posted(request))
    if request.method == "POST" and form.is_valid():
        before = area.name
        try:
            area = area_rename(area=area, name=form.cleaned_data["name"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(before)s is now called %(name)s.") % {"before": before, "name": area.name},
            )
            return redirect("accounts:areas", slug=slug)
    return render(
        request,
        "accounts/area_rename.html",
        {"organisation": area.organisation, "area": area, "form": form},
    )


@require_POST
@login_required
def area_remove_view(request, slug, pk):
    """Remove an area that nothing uses."""
    area = _area_in(slug, pk)
    require(can_manage_organisation(request.user, area.organisation))
    try:
        area_remove(area=area, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Removed the area %(name)s.") % {"name": area.name})
    return redirect("accounts:areas", slug=slug)


# The people page's buttons for invitations and people


@require_POST
@login_required
def invitation_cancel_view(request, slug, pk):
    """Stop an invitation nobody has used from working."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("organisation"), pk=pk, organisation__slug=slug
    )
    require(can_cancel_invitation(request.user, invitation))
    try:
        invitation_cancel(invitation=invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Cancelled the invitation. Its link and code don't work now."))
    return redirect("accounts:people", slug=slug)


def _membership_in(slug: str, pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "organisation"), pk=pk, organisation__slug=slug
    )


@require_POST
@login_required
def account_deactivate_view(request, slug, pk):
    """Switch someone's whole account off: they can't log in anywhere."""
    membership = _membership_in(slug, pk)
    require(can_deactivate(request.user, membership.user))
    account_deactivate(person=membership.user, by=request.user)
    messages.success(
        request,
        _("%(name)s's account is switched off. They can't log in until it's switched back on.")
        % {"name": membership.user.display_name},
    )
    return redirect("accounts:people", slug=slug)


@require_POST
@login_required
def account_reactivate_view(request, slug, pk):
    """Switch a switched-off account back on."""
    membership = _membership_in(slug, pk)
    require(can_deactivate(request.user, membership.user))
    account_reactivate(person=membership.user, by=request.user)
    messages.success(
        request,
        _("%(name)s's account is switched on again. They can log in.")
        % {"name": membership.user.display_name},
    )
    return redirect("accounts:people", slug=slug)


@require_http_methods(["GET", "POST"])
@login_required
@never_cache
def member_remove(request, slug, pk):
    """Ask, then take someone out of this organisation; their account and records stay.

    Taking out can't be undone from here (a new invitation makes a new account),
    so the button on the people page opens this page to ask first.
    """
    membership = (
        Membership.objects.select_related("user", "organisation")
        .filter(pk=pk, organisation__slug=slug)
        .first()
    )
    if membership is None:
        organisation = get_object_or_404(Organisation, slug=slug)
        require(can_manage_people(request.user, organisation))
        if request.method == "GET":
            raise Http404
        # Pressing the button twice: the first press already took them out.
        messages.info(
            request,
            _("This person isn't in %(organisation)s any more.")
            % {"organisation": organisation.name},
        )
        return redirect("accounts:people", slug=slug)
    require(can_remove_member(request.user, membership))
    if request.method == "GET":
        return render(
            request,
            "accounts/member_remove.html",
            {"organisation": membership.organisation, "membership": membership},
        )
    try:
        membership_remove(membership=membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s is no longer in %(organisation)s. Their account and what they did stay.")
            % {"name": membership.user.display_name, "organisation": membership.organisation.name},
        )
    return redirect("accounts:people", slug=slug)
