from django.contrib import admin

from sapa.automations.models import AutomationRun, Rule
from sapa.core.read_only_admin import ReadOnlyModelAdmin


@admin.register(Rule)
class RuleAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "kind", "position", "is_active", "updated_at")
    list_filter = ("kind", "is_active")


@admin.register(AutomationRun)
class AutomationRunAdmin(ReadOnlyModelAdmin):
    list_display = ("run_key", "rule_name", "ticket", "outcome", "at")
    list_filter = ("outcome",)
