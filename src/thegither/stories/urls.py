from django.urls import path

from thegither.stories.views import episodes, public, staff, submitting

app_name = "stories"
urlpatterns = [
    # Anyone: the front page, search, and the podcast archive.
    path("", public.index, name="index"),
    path("search/", public.search, name="search"),
    path("episodes/", episodes.episode_list, name="episode-list"),
    path("episodes/feed.xml", episodes.episode_feed, name="episode-feed"),
    path("episodes/<slug:slug>/", episodes.episode_detail, name="episode-detail"),
    path("episodes/<slug:slug>.json", episodes.episode_json, name="episode-json"),
    # Anyone: a network's weeks, a week, its calendar, and sending an event or a story.
    path("networks/<slug:slug>/", public.network, name="network"),
    path("networks/<slug:slug>/<int:year>/", public.week_detail, name="week-detail"),
    path("networks/<slug:slug>/<int:year>/events.ics", public.week_ics, name="week-ics"),
    path(
        "networks/<slug:slug>/<int:year>/events/new/",
        submitting.event_submit,
        name="event-submit",
    ),
    path(
        "networks/<slug:slug>/<int:year>/stories/new/",
        submitting.story_submit,
        name="story-submit",
    ),
    path("events/<int:pk>/", public.event_detail, name="event-detail"),
    path("events/<int:pk>.ics", public.event_ics, name="event-ics"),
    path("<int:pk>/", public.story_detail, name="story-detail"),
    path("<int:pk>/picture/", public.story_image, name="story-image"),
    # The network's staff: weeks, and checking what is sent.
    path("networks/<slug:slug>/weeks/", staff.weeks, name="weeks"),
    path("networks/<slug:slug>/<int:year>/edit/", staff.week_edit, name="week-edit"),
    path("networks/<slug:slug>/<int:year>/check/", staff.moderation, name="moderation"),
    path("events/<int:pk>/edit/", staff.event_edit, name="event-edit"),
    path("events/<int:pk>/approve/", staff.event_approve, name="event-approve"),
    path("events/<int:pk>/decline/", staff.event_decline, name="event-decline"),
    path("events/<int:pk>/delete/", staff.event_delete, name="event-delete"),
    path("<int:pk>/edit/", staff.story_edit, name="story-edit"),
    path("<int:pk>/approve/", staff.story_approve, name="story-approve"),
    path("<int:pk>/decline/", staff.story_decline, name="story-decline"),
    path("<int:pk>/delete/", staff.story_delete, name="story-delete"),
]
