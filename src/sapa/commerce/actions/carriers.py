"""Carrier delay policies, edited by admins in the console (Delayed shipments page)."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sapa.accounts.permissions import Permission, require
from sapa.commerce.carriers import carrier_code
from sapa.commerce.models import CarrierPolicy
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput

MAX_DAYS = 60


def _check_days(days_without_event: int) -> None:
    if not 1 <= days_without_event <= MAX_DAYS:
        raise InvalidInput(
            _("Between 1 and %(max)d days.") % {"max": MAX_DAYS}, loc=["days_without_event"]
        )


def _summary(policy: CarrierPolicy) -> dict[str, object]:
    return {
        "days_without_event": policy.days_without_event,
        "notify_customer": policy.notify_customer,
        "active": policy.active,
    }


def update_carrier_policy(
    policy: CarrierPolicy,
    *,
    days_without_event: int,
    notify_customer: bool,
    active: bool,
    actor: Actor,
) -> CarrierPolicy:
    """Change how long `policy`'s carrier may stay silent, whether customers hear about a
    delay, and whether its parcels are watched. A "carrier_policy.updated" Event when
    anything changed. Raises PermissionDenied, InvalidInput (days_without_event)."""
    require(actor, Permission.WRITE_ORDERS)
    _check_days(days_without_event)
    with transaction.atomic():
        locked = CarrierPolicy.objects.select_for_update().get(pk=policy.pk)
        before = _summary(locked)
        locked.days_without_event = days_without_event
        locked.notify_customer = notify_customer
        locked.active = active
        if _summary(locked) != before:
            locked.save(
                update_fields=["days_without_event", "notify_customer", "active", "updated_at"]
            )
            record_event(
                actor, "carrier_policy.updated", locked, before=before, after=_summary(locked)
            )
    return locked


def create_carrier_policy(
    name: str, *, days_without_event: int, notify_customer: bool, actor: Actor
) -> CarrierPolicy:
    """A policy for a carrier that has none yet, its code normalised from `name`. A
    "carrier_policy.created" Event. Raises PermissionDenied, InvalidInput (name: empty or
    the carrier has a policy already; days_without_event)."""
    require(actor, Permission.WRITE_ORDERS)
    _check_days(days_without_event)
    clean = name.strip()[:100]
    if not clean:
        raise InvalidInput(_("Name the carrier."), loc=["name"])
    code = carrier_code(clean)
    taken = _("%(name)s already has a policy (code %(code)s).")
    if CarrierPolicy.objects.filter(code=code).exists():
        raise InvalidInput(taken % {"name": clean, "code": code}, loc=["name"])
    try:
        with transaction.atomic():
            policy = CarrierPolicy.objects.create(
                code=code,
                name=clean,
                days_without_event=days_without_event,
                notify_customer=notify_customer,
            )
            record_event(
                actor, "carrier_policy.created", policy, after={"code": code, **_summary(policy)}
            )
    except IntegrityError as error:
        raise InvalidInput(taken % {"name": clean, "code": code}, loc=["name"]) from error
    return policy
