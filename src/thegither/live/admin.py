"""Live sessions in the admin: to look at, never to change (decision 0028).

Participants show no token hash and answers show no participant, so the admin
can't tie an answer to a phone.
"""

from django.contrib import admin

from thegither.core.admin import ReadOnlyAdmin
from thegither.live.models import Activity, Answer, LiveSession, Participant


@admin.register(LiveSession)
class LiveSessionAdmin(ReadOnlyAdmin):
    list_display = ["title", "organisation", "state", "created_at"]
    list_filter = ["state"]
    exclude = ["join_code"]


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ["prompt", "session", "position", "kind", "state"]
    list_filter = ["kind"]


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    list_display = ["pk", "session", "removed", "joined_at"]
    fields = ["session", "removed", "joined_at"]
    readonly_fields = ["joined_at"]


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ["pk", "activity", "updated_at"]
    fields = ["activity", "value", "created_at", "updated_at"]
    readonly_fields = ["created_at", "updated_at"]
