from django.contrib import admin

from sapa.core.read_only_admin import ReadOnlyModelAdmin
from sapa.surveys.models import Experience, SurveyResponse


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyModelAdmin):
    list_display = ["id", "kind", "score", "customer", "ticket", "agent", "answered_at"]
    list_filter = ["kind", "answered_via"]
    search_fields = ["comment", "customer__name"]
    list_select_related = ["customer", "ticket", "agent"]
    raw_id_fields = ["customer", "ticket", "agent", "answer_message", "follow_up_promise"]


@admin.register(Experience)
class ExperienceAdmin(ReadOnlyModelAdmin):
    list_display = ["ticket", "rating", "csat_score", "sla_breached", "reopen_count"]
    list_filter = ["rating"]
    list_select_related = ["ticket"]
    raw_id_fields = ["ticket", "customer"]
