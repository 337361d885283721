"""For the network's staff: setting up weeks, and checking what people send.

Approve puts an event or story on the website; decline asks for a reason, which is
emailed to the sender; edit changes it (before or after approval); delete removes it
for good. Each button calls one service; the services check the same permissions.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from thegither.accounts.models import Organisation
from thegither.core.forms import add_refusal, posted
from thegither.core.permissions import require
from thegither.stories import selectors, services
from thegither.stories.forms import DeclineForm, EventForm, StoryEditForm, WeekForm
from thegither.stories.permissions import can_moderate, can_run_weeks
from thegither.stories.views.common import event_or_404, story_or_404, week_or_404


def _moderation_url(week) -> str:
    return reverse("stories:moderation", args=[week.organisation.slug, week.year])


@login_required
@never_cache
def weeks(request, slug):
    """The organisation's weeks, with what is waiting in each, and a form for a new one."""
    try:
        organisation = selectors.organisation_get(slug)
    except Organisation.DoesNotExist as error:
        raise Http404 from error
    require(can_run_weeks(request.user, organisation))
    form = WeekForm.for_week(None, posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            week = services.week_create(
                organisation=organisation, details=form.details(), by=request.user
            )
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(
                request, _("Co-production Week %(year)s is ready.") % {"year": week.year}
            )
            return redirect(_moderation_url(week))
    return render(
        request,
        "stories/weeks.html",
        {
            "network": organisation,
            "organisation": organisation,
            "weeks": selectors.weeks_of(organisation),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
def week_edit(request, slug, year):
    """Change the week's days, theme or summary."""
    week = week_or_404(slug, year)
    require(can_run_weeks(request.user, week.organisation))
    form = WeekForm.for_week(week, posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.week_change(week=week, details=form.details(), by=request.user)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_moderation_url(week))
    return render(
        request,
        "stories/week_edit.html",
        {"week": week, "organisation": week.organisation, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
def moderation(request, slug, year):
    """Everything sent for the week: what is waiting first, then what was decided."""
    week = week_or_404(slug, year)
    require(can_moderate(request.user, week))
    return render(
        request,
        "stories/moderation.html",
        {
            "week": week,
            "organisation": week.organisation,
            "moderation": selectors.moderation_of(week),
        },
    )


# --- Events


@login_required
@never_cache
def event_edit(request, pk):
    """Change an event someone sent, before or after approving it."""
    event = event_or_404(pk)
    require(can_moderate(request.user, event.week))
    form = EventForm.for_event(event, posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.event_change(event=event, details=form.details(), by=request.user)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("Saved the changes to %(title)s.") % {"title": event.title})
            return redirect(_moderation_url(event.week))
    return render(
        request,
        "stories/event_edit.html",
        {"event": event, "week": event.week, "organisation": event.week.organisation, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def event_approve(request, pk):
    """Approve an event: it goes on the week's page and calendar; the sender is told."""
    return _approved(request, event_or_404(pk), services.event_approve, "event")


@login_required
@never_cache
def event_decline(request, pk):
    """Decline an event, with a reason emailed to whoever sent it."""
    return _declined(request, event_or_404(pk), services.event_decline, "event")


@require_POST
@login_required
def event_delete(request, pk):
    """Delete an event for good."""
    return _deleted(request, event_or_404(pk), services.event_delete, "event")


# --- Stories


@login_required
@never_cache
def story_edit(request, pk):
    """Change a story someone sent (words, tags, picture description), or take its picture off."""
    story = story_or_404(pk)
    require(can_moderate(request.user, story.week))
    form = StoryEditForm.for_story(story, posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.story_change(
                story=story,
                details=form.details(),
                remove_image=form.cleaned_data["remove_image"],
                by=request.user,
            )
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(request, _("Saved the changes to %(title)s.") % {"title": story.title})
            return redirect(_moderation_url(story.week))
    return render(
        request,
        "stories/story_edit.html",
        {"story": story, "week": story.week, "organisation": story.week.organisation, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def story_approve(request, pk):
    """Approve a story: it goes on the week's page and in search; the sender is told."""
    return _approved(request, story_or_404(pk), services.story_approve, "story")


@login_required
@never_cache
def story_decline(request, pk):
    """Decline a story, with a reason emailed to whoever sent it."""
    return _declined(request, story_or_404(pk), services.story_decline, "story")


@require_POST
@login_required
def story_delete(request, pk):
    """Delete a story for good, with its picture."""
    return _deleted(request, story_or_404(pk), services.story_delete, "story")


# --- What approving, declining and deleting an event or a story have in common. `kind`
# is "event" or "story": the service's keyword for the thing, and the template's word.


def _approved(request, thing, approve, kind: str):
    require(can_moderate(request.user, thing.week))
    thing = approve(**{kind: thing}, by=request.user)
    messages.success(
        request, _("Approved: %(title)s is on the website now.") % {"title": thing.title}
    )
    return redirect(_moderation_url(thing.week))


def _declined(request, thing, decline, kind: str):
    require(can_moderate(request.user, thing.week))
    form = DeclineForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            decline(**{kind: thing}, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            add_refusal(form, error)
        else:
            messages.success(
                request,
                _("Declined: %(title)s. We've emailed the reason to whoever sent it.")
                % {"title": thing.title},
            )
            return redirect(_moderation_url(thing.week))
    return render(
        request,
        "stories/decline.html",
        {
            "thing": thing,
            "kind": kind,
            "week": thing.week,
            "organisation": thing.week.organisation,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _deleted(request, thing, delete, kind: str):
    require(can_moderate(request.user, thing.week))
    week = thing.week
    delete(**{kind: thing}, by=request.user)
    messages.success(request, _("Deleted: %(title)s.") % {"title": thing.title})
    return redirect(_moderation_url(week))
