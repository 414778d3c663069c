"""The macro library: canned replies that supervisors write and agents insert."""

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from sapa.accounts.models import Team
from sapa.accounts.permissions import Permission, require
from sapa.conversations.models import Macro
from sapa.conversations.placeholders import PLACEHOLDERS
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput

# Anything written like a placeholder, known or not: a typo must not reach the customer.
_WRITTEN_PLACEHOLDER = re.compile(r"\{\{\s*(.*?)\s*\}\}")


@dataclass(frozen=True)
class MacroDraft:
    """A macro as the form describes it. `team` None: every agent sees it."""

    name: str
    body: str
    language: str
    team: Team | None = None
    is_active: bool = True

    def as_event_values(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "body": self.body,
            "language": self.language,
            "team": self.team.pk if self.team else None,
            "is_active": self.is_active,
        }


def _values_of(macro: Macro) -> dict[str, Any]:
    return {
        "name": macro.name,
        "body": macro.body,
        "language": macro.language,
        "team": macro.team_id,
        "is_active": macro.is_active,
    }


def _validate(draft: MacroDraft, *, macro_id: int | None) -> MacroDraft:
    name, body = draft.name.strip(), draft.body.strip()
    if not name:
        raise InvalidInput(_("Give the macro a name."), loc=["name"])
    if not body:
        raise InvalidInput(_("Write the text of the macro."), loc=["body"])
    if draft.language not in dict(settings.LANGUAGES):
        raise InvalidInput(_("Choose Indonesian or English."), loc=["language"])
    for written in _WRITTEN_PLACEHOLDER.findall(body):
        if written not in PLACEHOLDERS:
            raise InvalidInput(
                _("{{ %(placeholder)s }} is not a placeholder Sapa knows.")
                % {"placeholder": written},
                loc=["body"],
            )
    same_name = Macro.objects.filter(name=name, language=draft.language)
    if macro_id is not None:
        same_name = same_name.exclude(pk=macro_id)
    if same_name.exists():
        raise InvalidInput(
            _("A macro with this name already exists in this language."), loc=["name"]
        )
    return MacroDraft(
        name=name, body=body, language=draft.language, team=draft.team, is_active=draft.is_active
    )


def create_macro(draft: MacroDraft, *, actor: Actor) -> Macro:
    """Add a macro to the library. Raises PermissionDenied, InvalidInput (naming the field:
    empty name or body, an unknown placeholder, a name taken in that language)."""
    require(actor, Permission.MANAGE_TEAM)
    draft = _validate(draft, macro_id=None)
    with transaction.atomic():
        macro = Macro.objects.create(
            name=draft.name,
            body=draft.body,
            language=draft.language,
            team=draft.team,
            is_active=draft.is_active,
        )
        record_event(actor, "macro.created", macro, after=draft.as_event_values())
    return macro


def update_macro(macro: Macro, draft: MacroDraft, *, actor: Actor) -> Macro:
    """Replace the macro's name, body, language, team and active flag with `draft`'s.
    The Event keeps the changed fields before and after. Raises as create_macro."""
    require(actor, Permission.MANAGE_TEAM)
    draft = _validate(draft, macro_id=macro.pk)
    with transaction.atomic():
        macro = Macro.objects.select_for_update().get(pk=macro.pk)
        current, wanted = _values_of(macro), draft.as_event_values()
        changed = [name for name in wanted if current[name] != wanted[name]]
        if not changed:
            return macro
        macro.name, macro.body, macro.language = draft.name, draft.body, draft.language
        macro.team, macro.is_active = draft.team, draft.is_active
        macro.save(update_fields=[*changed, "updated_at"])
        record_event(
            actor,
            "macro.updated",
            macro,
            before={name: current[name] for name in changed},
            after={name: wanted[name] for name in changed},
        )
    return macro


def deactivate_macro(macro: Macro, *, actor: Actor) -> Macro:
    """Take the macro out of the agents' macro menu (kept, and can be activated again by
    editing it). Raises PermissionDenied."""
    require(actor, Permission.MANAGE_TEAM)
    with transaction.atomic():
        macro = Macro.objects.select_for_update().get(pk=macro.pk)
        if not macro.is_active:
            return macro
        macro.is_active = False
        macro.save(update_fields=["is_active", "updated_at"])
        record_event(
            actor,
            "macro.deactivated",
            macro,
            before={"is_active": True},
            after={"is_active": False},
        )
    return macro
