"""Public pages: the stories front page, a network's weeks, a week, its events and stories,
their calendars, and search."""

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils.csp import CSP
from django.views.decorators.cache import never_cache
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET

from thegither.accounts.models import Organisation
from thegither.core.permissions import require
from thegither.stories import ics, selectors
from thegither.stories.forms import SearchForm
from thegither.stories.models import CONTENT_TYPE_OF_IMAGE_KIND
from thegither.stories.permissions import (
    can_moderate,
    can_run_weeks,
    can_see_event,
    can_see_story,
    can_send_event,
    can_submit_story,
)
from thegither.stories.views.common import base_url, event_or_404, story_or_404, week_or_404

EPISODES_ON_FRONT_PAGE = 5


@require_GET
def index(request):
    """The stories front page: every network's weeks, the latest episodes, and search."""
    return render(
        request,
        "stories/index.html",
        {
            "weeks": selectors.weeks_everywhere(),
            "episodes": list(selectors.episodes_public()[:EPISODES_ON_FRONT_PAGE]),
            "search_form": SearchForm(),
        },
    )


@require_GET
def network(request, slug):
    """An organisation's Co-production Weeks, this year's first, then the archive."""
    try:
        organisation = selectors.organisation_get(slug)
    except Organisation.DoesNotExist as error:
        raise Http404 from error
    return render(
        request,
        "stories/network.html",
        {
            "network": organisation,
            "organisation": organisation,
            "weeks": selectors.weeks_of(organisation),
            "can_run_weeks": can_run_weeks(request.user, organisation),
        },
    )


@require_GET
def week_detail(request, slug, year):
    """The week: its theme, events by day, approved stories, episodes and counts."""
    week = week_or_404(slug, year)
    return render(
        request,
        "stories/week_detail.html",
        {
            "week": week,
            "organisation": week.organisation,
            "page": selectors.week_page(week),
            "can_submit_event": can_send_event(request.user, week),
            "can_submit_story": can_submit_story(week),
            "can_moderate": can_moderate(request.user, week),
        },
    )


def _calendar_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def week_ics(request, slug, year):
    """The week's approved events as one iCalendar file, to add to a calendar."""
    week = week_or_404(slug, year)
    text = ics.calendar(
        selectors.week_events(week),
        name=ics.week_calendar_name(week),
        base_url=base_url(request),
    )
    return _calendar_response(text, f"co-production-week-{week.year}.ics")


@require_GET
def event_detail(request, pk):
    """One event, with everything someone needs to decide to go."""
    event = event_or_404(pk)
    require(can_see_event(request.user, event))
    return render(
        request,
        "stories/event_detail.html",
        {
            "event": event,
            "week": event.week,
            "organisation": event.week.organisation,
            "can_moderate": can_moderate(request.user, event.week),
        },
    )


@require_GET
def event_ics(request, pk):
    """One approved event as an iCalendar file."""
    event = event_or_404(pk)
    if not event.is_approved:
        raise Http404
    text = ics.calendar([event], name=event.title, base_url=base_url(request))
    return _calendar_response(text, f"event-{event.pk}.ics")


@require_GET
def story_detail(request, pk):
    """One story, with its picture, link and tags."""
    story = story_or_404(pk)
    require(can_see_story(request.user, story))
    return render(
        request,
        "stories/story_detail.html",
        {
            "story": story,
            "week": story.week,
            "organisation": story.week.organisation,
            "can_moderate": can_moderate(request.user, story.week),
        },
    )


@require_GET
@never_cache
# Even if a file held something else, a browser may run nothing from it.
@csp_override({"default-src": [CSP.NONE], "sandbox": True})
def story_image(request, pk):
    """A story's picture: for anyone once approved, else for the network's staff."""
    story = story_or_404(pk)
    require(can_see_story(request.user, story))
    if not story.image:
        raise Http404
    try:
        handle = story.image.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, content_type=CONTENT_TYPE_OF_IMAGE_KIND[story.image_kind])
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def search(request):
    """Search transcripts, stories and events; each result links to the exact place."""
    form = SearchForm(request.GET or None)
    query = ""
    hits = []
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"].strip()
        hits = selectors.search_everything(query)
    return render(
        request,
        "stories/search.html",
        {"search_form": form, "query": query, "hits": hits},
        status=400 if form.errors else 200,
    )
