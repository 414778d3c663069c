from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from sapa.accounts.models import Agent, AgentSkill, ApiToken, Skill, Team


class AgentSkillInline(admin.TabularInline):
    model = AgentSkill
    extra = 0


@admin.register(Agent)
class AgentAdmin(UserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active", "teams"]
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        ("Sapa", {"fields": ("role", "teams", "language", "capacity")}),
    )
    filter_horizontal = ["teams", "groups", "user_permissions"]
    inlines = [AgentSkillInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created with `sapa token create` (the secret is shown once); here they can
    be seen and revoked."""

    list_display = ["name", "prefix", "agent", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["agent", "name", "prefix", "token_hash", "created_at", "last_used_at"]
    list_select_related = ["agent"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
