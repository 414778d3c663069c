"""Forms of the team-settings pages: they parse and validate; actions do the writing."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from sapa.accounts.actions import SKILL_LEVELS, AgentChanges, Invitation
from sapa.accounts.models import Agent, Role, Skill, Team
from sapa.channels.kinds import Channel
from sapa.conversations.actions import MacroDraft
from sapa.conversations.models import Macro

MAX_CAPACITY = 1000


def _language_choices() -> list[tuple[str, Any]]:
    return list(settings.LANGUAGES)


def _level_choices(blank: Any) -> list[tuple[str, Any]]:
    return [("", blank), *((str(level), str(level)) for level in SKILL_LEVELS)]


class TeamChoices(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(Team.objects.order_by("name"), required=False, **kwargs)


class InviteForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=Agent._meta.get_field("username").validators,
        help_text=_("Letters, digits and @ . + - _ only; used to sign in."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.AGENT)
    teams = TeamChoices(label=_("Teams"))

    def __init__(self, *args: Any, can_manage_roles: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_manage_roles:
            # Supervisors invite agents; supervisors and admins are invited by admins.
            role = self.fields["role"]
            assert isinstance(role, forms.ChoiceField)
            role.choices = [(Role.AGENT.value, Role.AGENT.label)]

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        if Agent.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        if Agent.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Another agent already uses this email address."))
        return email

    def invitation(self) -> Invitation:
        data = self.cleaned_data
        return Invitation(
            username=data["username"],
            email=data["email"],
            first_name=data["first_name"].strip(),
            last_name=data["last_name"].strip(),
            role=Role(data["role"]),
            teams=tuple(data["teams"]),
        )


class AgentForm(forms.Form):
    """Everything about an agent a supervisor looks after; the role only for admins.

    Dynamic fields: `capacity_<channel>` for every channel, `skill_<id>` for every known
    skill, and one new skill (`new_skill`, `new_skill_level`).
    """

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    teams = TeamChoices(label=_("Teams"))
    language = forms.ChoiceField(label=_("Console language"), choices=_language_choices)
    is_active = forms.BooleanField(label=_("Active (may sign in)"), required=False)
    new_skill = forms.CharField(label=_("New skill"), max_length=64, required=False)
    new_skill_level = forms.ChoiceField(
        label=_("Level of the new skill"), choices=_level_choices("—"), required=False
    )

    def __init__(
        self,
        data: Any = None,
        *,
        agent: Agent,
        skills: list[Skill],
        can_manage_roles: bool,
    ) -> None:
        levels = {row.skill_id: row.level for row in agent.skills.all()}
        initial = {
            "role": agent.role,
            "teams": list(agent.teams.all()),
            "language": agent.language,
            "is_active": agent.is_active,
            **{f"capacity_{channel}": limit for channel, limit in agent.capacity.items()},
            **{f"skill_{skill_id}": str(level) for skill_id, level in levels.items()},
        }
        super().__init__(data, initial=initial)
        self.agent = agent
        self.skills = skills
        if not can_manage_roles:
            del self.fields["role"]
            if agent.role != Role.AGENT:
                # Only admins (de)activate supervisors and admins.
                del self.fields["is_active"]
        for value, label in Channel.choices:
            self.fields[f"capacity_{value}"] = forms.IntegerField(
                label=label, min_value=0, max_value=MAX_CAPACITY, required=False
            )
        for skill in skills:
            self.fields[f"skill_{skill.pk}"] = forms.ChoiceField(
                label=skill.name, choices=_level_choices(_("None")), required=False
            )

    def capacity_fields(self) -> list[forms.BoundField]:
        return [self[f"capacity_{value}"] for value in Channel.values]

    def skill_fields(self) -> list[forms.BoundField]:
        return [self[f"skill_{skill.pk}"] for skill in self.skills]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_skill", "").strip() and not data.get("new_skill_level"):
            self.add_error("new_skill_level", _("Choose a level for the new skill."))
        return data

    def changes(self) -> AgentChanges:
        data = self.cleaned_data
        skills = {
            skill.name: int(data[f"skill_{skill.pk}"])
            for skill in self.skills
            if data.get(f"skill_{skill.pk}")
        }
        if data.get("new_skill", "").strip():
            skills[data["new_skill"]] = int(data["new_skill_level"])
        capacity = {
            value: data[f"capacity_{value}"]
            for value in Channel.values
            if data.get(f"capacity_{value}") is not None
        }
        return AgentChanges(
            role=Role(data.get("role") or self.agent.role),
            teams=tuple(data["teams"]),
            language=data["language"],
            capacity=capacity,
            is_active=data["is_active"] if "is_active" in self.fields else self.agent.is_active,
            skills=skills,
        )


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=100)


class MacroForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 10}), max_length=20_000
    )
    language = forms.ChoiceField(label=_("Language"), choices=_language_choices)
    team = forms.ModelChoiceField(
        Team.objects.order_by("name"),
        label=_("Shown to"),
        required=False,
        empty_label=_("Everyone"),
    )
    is_active = forms.BooleanField(label=_("Active (agents can insert it)"), required=False)

    @classmethod
    def for_macro(cls, macro: Macro) -> "MacroForm":
        return cls(
            initial={
                "name": macro.name,
                "body": macro.body,
                "language": macro.language,
                "team": macro.team_id,
                "is_active": macro.is_active,
            }
        )

    def draft(self) -> MacroDraft:
        data = self.cleaned_data
        return MacroDraft(
            name=data["name"],
            body=data["body"],
            language=data["language"],
            team=data["team"],
            is_active=data["is_active"],
        )


class MacroPreviewForm(forms.Form):
    body = forms.CharField(max_length=20_000, required=False, strip=False)


class TagRenameForm(forms.Form):
    name = forms.CharField(label=_("New name"), max_length=64)
