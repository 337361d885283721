"""The public forms: "Tell us what you can do" (an event) and "Share your story".

No account is needed. What is sent waits for the network's staff; the sender is told
so, and gets an email when they decide. Sending is rate-limited per device or network.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from thegither.core.clients import client_address
from thegither.core.forms import add_refusal, posted
from thegither.core.permissions import require
from thegither.core.ratelimit import RateLimit, hit_each, too_many_tries
from thegither.stories import services
from thegither.stories.forms import EventSubmitForm, StorySubmitForm
from thegither.stories.permissions import can_moderate, can_send_event, can_submit_story
from thegither.stories.views.common import week_or_404

# Enough for a busy organisation sending its whole programme, not for a flood.
SENDS_PER_CLIENT = RateLimit("stories-send-client", limit=20, seconds=60 * 60)

WAITING_MESSAGE = _(
    "Thank you! The network's staff will check it before it goes on the website. "
    "We'll email you when they have."
)


def _too_many(request):
    verdict = hit_each((SENDS_PER_CLIENT, client_address(request)))
    if verdict:
        return None
    return too_many_tries(request, verdict, back_url=request.path)


@never_cache
def event_submit(request, slug, year):
    """Tell us what you can do: send an event for the week."""
    week = week_or_404(slug, year)
    require(can_send_event(request.user, week))
    form = EventSubmitForm(posted(request), week=week)
    if request.method == "POST":
        refused = _too_many(request)
        if refused is not None:
            return refused
        if form.is_valid():
            try:
                services.event_submit(
                    week=week,
                    details=form.details(),
                    sender_name=form.cleaned_data["sender_name"],
                    sender_email=form.cleaned_data["sender_email"],
                    by=request.user if can_moderate(request.user, week) else None,
                )
            except ValidationError as error:
                add_refusal(form, error)
            else:
                messages.success(request, WAITING_MESSAGE)
                return redirect(week.get_absolute_url())
    return render(
        request,
        "stories/event_submit.html",
        {"week": week, "organisation": week.organisation, "form": form},
        status=400 if form.errors else 200,
    )


@never_cache
def story_submit(request, slug, year):
    """Share your story: written here, a link, a picture, or all three."""
    week = week_or_404(slug, year)
    require(can_submit_story(week))
    form = StorySubmitForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST":
        refused = _too_many(request)
        if refused is not None:
            return refused
        if form.is_valid():
            try:
                services.story_submit(
                    week=week,
                    details=form.details(),
                    sender_name=form.cleaned_data["sender_name"],
                    sender_email=form.cleaned_data["sender_email"],
                    consent=form.cleaned_data["consent"],
                    image=form.cleaned_data.get("image"),
                )
            except ValidationError as error:
                add_refusal(form, error)
            else:
                messages.success(request, WAITING_MESSAGE)
                return redirect(week.get_absolute_url())
    return render(
        request,
        "stories/story_submit.html",
        {"week": week, "organisation": week.organisation, "form": form},
        status=400 if form.errors else 200,
    )
