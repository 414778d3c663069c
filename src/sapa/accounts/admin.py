from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sapa.accounts.actions import revoke_api_token
from sapa.accounts.models import Agent, AgentSkill, ApiToken, Skill, Team
from sapa.core.actors import Actor
from sapa.core.read_only_admin import ReadOnlyModelAdmin


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
class ApiTokenAdmin(ReadOnlyModelAdmin):
    """Tokens are created with `sapa token create` (the secret is shown once); here they can
    be seen and revoked (through the action, so the revocation is audited)."""

    list_display = ["name", "prefix", "agent", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    list_select_related = ["agent"]
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        actor = Actor.for_agent(request.user)  # type: ignore[arg-type]
        for token in queryset.filter(revoked_at__isnull=True):
            revoke_api_token(token, actor=actor)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # The changelist offers actions only to those who may change the model; the change
        # form itself stays read-only (no object may be changed field by field).
        return obj is None and admin.ModelAdmin.has_change_permission(self, request)
