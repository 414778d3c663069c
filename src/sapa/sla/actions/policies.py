"""SLA policies and their targets per priority."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from sapa.accounts.permissions import Permission, require
from sapa.channels.kinds import Channel
from sapa.conversations.models import Priority
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput
from sapa.core.tags import normalise_tag
from sapa.sla.actions.calendars import ensure_default_calendar
from sapa.sla.models import BusinessCalendar, SlaPolicy, SlaTarget

DEFAULT_POLICY_NAME = "Standar"
# Business minutes: first response, next response, resolution. A shop's desk answers the
# urgent (a paid order gone wrong) within half an hour and solves it the same day; a normal
# question gets its first answer within half a working day and is solved within three.
DEFAULT_TARGETS: dict[str, tuple[int | None, int | None, int | None]] = {
    Priority.URGENT: (30, 60, 4 * 60),
    Priority.HIGH: (60, 2 * 60, 8 * 60),
    Priority.NORMAL: (4 * 60, 4 * 60, 24 * 60),
    Priority.LOW: (8 * 60, 8 * 60, 40 * 60),
}
MAX_TARGET_MINUTES = 365 * 24 * 60


@dataclass(frozen=True)
class TargetMinutes:
    first_response: int | None = None
    next_response: int | None = None
    resolution: int | None = None


@dataclass(frozen=True)
class PolicyDraft:
    name: str
    calendar: BusinessCalendar
    position: int = 0
    is_active: bool = True
    customer_tags: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    warn_before_minutes: int = 30
    # Per priority value; a priority left out has no targets.
    targets: dict[str, TargetMinutes] = field(default_factory=dict)


def _checked(draft: PolicyDraft) -> PolicyDraft:
    name = draft.name.strip()
    if not name:
        raise InvalidInput(_("Give the policy a name."), loc=["name"])
    tags = tuple(
        dict.fromkeys(normalise_tag(t, loc=["customer_tags"]) for t in draft.customer_tags)
    )
    unknown = [c for c in draft.channels if c not in Channel.values]
    if unknown:
        raise InvalidInput(
            _("Unknown channel: %(channel)s.") % {"channel": unknown[0]}, loc=["channels"]
        )
    if draft.warn_before_minutes > MAX_TARGET_MINUTES:
        raise InvalidInput(_("The warning comes too early."), loc=["warn_before_minutes"])
    for priority, minutes in draft.targets.items():
        if priority not in Priority.values:
            raise InvalidInput(_("Unknown priority."), loc=["targets"])
        for value in (minutes.first_response, minutes.next_response, minutes.resolution):
            if value is not None and not 0 < value <= MAX_TARGET_MINUTES:
                raise InvalidInput(
                    _("A target is between one minute and a year."), loc=["targets", priority]
                )
    return PolicyDraft(
        name=name,
        calendar=draft.calendar,
        position=draft.position,
        is_active=draft.is_active,
        customer_tags=tags,
        channels=tuple(dict.fromkeys(draft.channels)),
        warn_before_minutes=draft.warn_before_minutes,
        targets=draft.targets,
    )


def _snapshot(policy: SlaPolicy) -> dict[str, object]:
    return {
        "name": policy.name,
        "calendar_id": policy.calendar_id,
        "position": policy.position,
        "is_active": policy.is_active,
        "customer_tags": policy.customer_tags,
        "channels": policy.channels,
        "warn_before_minutes": policy.warn_before_minutes,
        "targets": {
            t.priority: [t.first_response_minutes, t.next_response_minutes, t.resolution_minutes]
            for t in policy.targets.order_by("priority")
        },
    }


def _write(policy: SlaPolicy, draft: PolicyDraft) -> None:
    policy.name = draft.name
    policy.calendar = draft.calendar
    policy.position = draft.position
    policy.is_active = draft.is_active
    policy.customer_tags = list(draft.customer_tags)
    policy.channels = list(draft.channels)
    policy.warn_before_minutes = draft.warn_before_minutes
    policy.save()
    SlaTarget.objects.filter(policy=policy).exclude(priority__in=list(draft.targets)).delete()
    for priority, minutes in draft.targets.items():
        SlaTarget.objects.update_or_create(
            policy=policy,
            priority=priority,
            defaults={
                "first_response_minutes": minutes.first_response,
                "next_response_minutes": minutes.next_response,
                "resolution_minutes": minutes.resolution,
            },
        )


def create_policy(draft: PolicyDraft, *, actor: Actor) -> SlaPolicy:
    """A new policy with its targets. Applies to tickets created from now on. Raises
    PermissionDenied, InvalidInput."""
    require(actor, Permission.MANAGE_TEAM)
    checked = _checked(draft)
    with transaction.atomic():
        policy = SlaPolicy(calendar=checked.calendar)
        _write(policy, checked)
        record_event(actor, "sla.policy_created", policy, after=_snapshot(policy))
    return policy


def update_policy(policy: SlaPolicy, draft: PolicyDraft, *, actor: Actor) -> SlaPolicy:
    """Change a policy and its targets. Clocks already running keep their targets until the
    ticket's priority changes. Raises PermissionDenied, InvalidInput."""
    require(actor, Permission.MANAGE_TEAM)
    checked = _checked(draft)
    with transaction.atomic():
        policy = SlaPolicy.objects.select_for_update().get(pk=policy.pk)
        before = _snapshot(policy)
        _write(policy, checked)
        after = _snapshot(policy)
        if after != before:
            record_event(actor, "sla.policy_updated", policy, before=before, after=after)
    return policy


def ensure_default_policy() -> SlaPolicy:
    """The "Standar" policy on the default calendar (DEFAULT_TARGETS), created when no
    policy exists."""
    found = SlaPolicy.objects.order_by("position", "pk").first()
    if found is not None:
        return found
    calendar = ensure_default_calendar()
    draft = PolicyDraft(
        name=DEFAULT_POLICY_NAME,
        calendar=calendar,
        position=100,
        targets={
            priority: TargetMinutes(first, following, resolution)
            for priority, (first, following, resolution) in DEFAULT_TARGETS.items()
        },
    )
    return create_policy(draft, actor=Actor.system("sla"))
