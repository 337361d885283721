"""Podcast episodes: the list, each episode's transcript page, its JSON, and the feed."""

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from thegither.stories import selectors
from thegither.stories.feed import podcast_feed
from thegither.stories.forms import SearchForm
from thegither.stories.models import Episode
from thegither.stories.permissions import can_see_episode
from thegither.stories.views.common import base_url


def _episode_or_404(request, slug: str) -> Episode:
    """Return the episode if this person may see it; a draft is "not found" to others."""
    try:
        episode = selectors.episode_get(slug)
    except Episode.DoesNotExist as error:
        raise Http404 from error
    if not can_see_episode(request.user, episode):
        raise Http404
    return episode


@require_GET
def episode_list(request):
    """Every public episode, newest first, with a search box."""
    return render(
        request,
        "stories/episode_list.html",
        {"episodes": selectors.episodes_public(), "search_form": SearchForm()},
    )


@require_GET
def episode_detail(request, slug):
    """An episode: who speaks, a link to listen, and the transcript, every turn linkable."""
    episode = _episode_or_404(request, slug)
    transcript = selectors.transcript_of(episode)
    return render(
        request,
        "stories/episode_detail.html",
        {
            "episode": episode,
            "speakers": transcript.speakers,
            "segments": transcript.segments,
            "listen_url": episode.audio_urls[0] if episode.audio_urls else "",
        },
    )


@require_GET
def episode_json(request, slug):
    """The episode as one JSON object (docs/stories.md): public episodes only."""
    try:
        episode = selectors.episode_get(slug)
    except Episode.DoesNotExist as error:
        raise Http404 from error
    if episode.is_draft:
        raise Http404
    return JsonResponse(
        selectors.episode_as_json(episode), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )


@require_GET
def episode_feed(request):
    """The podcast feed (RSS 2.0 with iTunes tags) of the public episodes with audio."""
    site = base_url(request)
    body = podcast_feed(
        selectors.episodes_for_feed(),
        title=_("Thegither: podcast episodes"),
        description=_(
            "Conversations about doing things together with communities and young people, "
            "each with a written transcript."
        ),
        link=f"{site}{reverse('stories:episode-list')}",
        feed_url=f"{site}{reverse('stories:episode-feed')}",
        base_url=site,
    )
    return HttpResponse(body, content_type="application/rss+xml; charset=utf-8")
