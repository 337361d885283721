"""The admin shows stories' rows and changes none of them (decision 0028).

Episodes change by importing their files again; weeks, events and stories on the
network's own pages, through the same services.
"""

from django.contrib import admin

from thegither.core.admin import ReadOnlyAdmin
from thegither.stories.models import (
    Episode,
    Event,
    SearchEntry,
    Segment,
    Speaker,
    Story,
    Turn,
    Week,
)


@admin.register(Episode)
class EpisodeAdmin(ReadOnlyAdmin):
    list_display = ["title", "slug", "published_on", "duration_seconds", "is_draft"]
    list_filter = ["is_draft"]
    search_fields = ["title", "slug"]


@admin.register(Speaker)
class SpeakerAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "episode"]


@admin.register(Segment)
class SegmentAdmin(ReadOnlyAdmin):
    list_display = ["episode", "position", "heading"]


@admin.register(Turn)
class TurnAdmin(ReadOnlyAdmin):
    list_display = ["episode", "position", "speaker"]


@admin.register(Week)
class WeekAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "year", "theme", "starts_on", "ends_on"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["title", "week", "starts_at", "status"]
    list_filter = ["status"]
    # The sender's email is for telling them the decision, not for browsing.
    exclude = ["sender_email"]


@admin.register(Story)
class StoryAdmin(ReadOnlyAdmin):
    list_display = ["title", "week", "organisation_name", "status"]
    list_filter = ["status"]
    exclude = ["sender_email"]


@admin.register(SearchEntry)
class SearchEntryAdmin(ReadOnlyAdmin):
    list_display = ["kind", "label", "url"]
    list_filter = ["kind"]
