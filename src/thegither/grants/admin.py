"""The admin shows Youth Bank rows and changes none of them (decision 0028)."""

from django.contrib import admin

from thegither.core.admin import ReadOnlyAdmin
from thegither.grants.models import Application, Criterion, Fund, Pot, Question, Round, Upload


@admin.register(Fund)
class FundAdmin(ReadOnlyAdmin):
    list_display = ["name", "organisation"]


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ["name", "fund", "phase", "opens_on", "closes_on"]
    list_filter = ["phase"]


@admin.register(Pot)
class PotAdmin(ReadOnlyAdmin):
    list_display = ["round", "area", "amount_pence", "min_grant_pence", "max_grant_pence"]


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    list_display = ["title", "round", "weight"]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["text", "round", "required"]


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["group_name", "round", "pot", "status", "amount_pence", "submitted_at"]
    list_filter = ["status"]
    # Budget lines and answers show on the application's own page for staff, with the
    # permission check; the admin lists the rows only.
    exclude = ["start_key", "submission_key"]


@admin.register(Upload)
class UploadAdmin(ReadOnlyAdmin):
    # No link to the file: downloads go through the page that checks who is asking.
    list_display = ["name", "application", "kind", "size_bytes", "created_at"]
    exclude = ["file"]
