from django.contrib import admin

from qicop.improvement.models import ChangeIdea, Collaborative, PdsaCycle, Team, TeamReport


@admin.register(Collaborative)
class CollaborativeAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "network", "start", "end", "shared"]
    list_filter = ["network", "country", "shared"]
    search_fields = ["name", "aim"]
    filter_horizontal = ["faculty", "other_countries"]
    raw_id_fields = ["key_measure", "created_by"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["__str__", "collaborative", "lead", "coach"]
    list_filter = ["collaborative"]
    raw_id_fields = ["org_unit", "lead", "coach"]


@admin.register(ChangeIdea)
class ChangeIdeaAdmin(admin.ModelAdmin):
    list_display = ["title", "network", "indicator", "country", "retired"]
    list_filter = ["network", "retired"]
    search_fields = ["title", "description"]
    raw_id_fields = ["created_by"]
    filter_horizontal = ["case_studies"]


@admin.register(PdsaCycle)
class PdsaCycleAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "change_idea", "stage", "decision", "start"]
    list_filter = ["stage", "decision"]
    raw_id_fields = ["team", "change_idea", "previous", "measure", "created_by"]


@admin.register(TeamReport)
class TeamReportAdmin(admin.ModelAdmin):
    list_display = ["team", "month", "status", "self_score", "coach_score"]
    list_filter = ["status"]
    raw_id_fields = ["team", "submitted_by", "confirmed_by"]
