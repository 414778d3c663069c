"""Finding, creating, changing and merging customers."""

from collections.abc import Sequence
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from sapa.accounts.permissions import Permission, require
from sapa.channels.kinds import PHONE_KINDS
from sapa.channels.messages import Address
from sapa.core.actions import PendingEvent, ensure_tags, pending_event, record_event
from sapa.core.actors import Actor
from sapa.customers.exceptions import CannotMerge
from sapa.customers.models import (
    Customer,
    Identity,
    LifecycleStage,
    MergeSuggestion,
    MergeSuggestionStatus,
)
from sapa.customers.stages import later_stage


def _identity_filter(address: Address) -> Q:
    if address.kind in PHONE_KINDS:
        return Q(kind__in=PHONE_KINDS, value=address.value)
    return Q(kind=address.kind, value=address.value)


def _kind_key(kind: str) -> str:
    return "phone" if kind in PHONE_KINDS else kind


def _owner_of(address: Address, identities: list[Identity]) -> Customer | None:
    exact = [i for i in identities if i.kind == address.kind and i.value == address.value]
    if exact:
        return exact[0].customer
    if address.kind in PHONE_KINDS:
        same_number = [i for i in identities if i.kind in PHONE_KINDS and i.value == address.value]
        if same_number:
            return same_number[0].customer
    return None


def resolve_customer(
    addresses: Sequence[Address], *, name: str, events: list[PendingEvent]
) -> tuple[Customer, bool]:
    """Find the customer behind `addresses` (first one first), creating what is new.

    Returns (customer, created). New addresses become identities of that customer. When
    the addresses belong to different customers nothing is merged: an open MergeSuggestion
    is recorded for each other customer. The customers found are locked until commit, which
    serialises two messages of one customer (they cannot open two tickets). Appends its
    Events to `events` for the caller to record with its own. Must run inside a
    transaction; raises IntegrityError when a concurrent transaction created one of the same
    identities, and the caller retries.
    """
    assert addresses, "resolve_customer needs at least one address"
    identities = list(
        Identity.objects.select_related("customer")
        .select_for_update(of=("customer",))
        .filter(reduce(or_, (_identity_filter(address) for address in addresses)))
        # Locks are taken in customer order, as merge_customers does: no deadlock between
        # two messages naming the same two customers in opposite order.
        .order_by("customer_id", "pk")
    )
    owners = [_owner_of(address, identities) for address in addresses]
    customer = next((owner for owner in owners if owner is not None), None)
    created = customer is None
    if customer is None:
        customer = Customer.objects.create(name=name[:200])
        events.append(pending_event("customer.created", customer, after={"name": customer.name}))
    elif name and not customer.name:
        customer.name = name[:200]
        customer.save(update_fields=["name", "updated_at"])

    # A number already known as WhatsApp is not added again as a phone (and vice versa).
    known = {(_kind_key(i.kind), i.value) for i in identities}
    new_identities = [
        Identity(customer=customer, kind=address.kind, value=address.value)
        for address in dict.fromkeys(addresses)
        if (_kind_key(address.kind), address.value) not in known
    ]
    if new_identities:
        Identity.objects.bulk_create(new_identities)
        events.extend(
            pending_event("identity.added", customer, after={"kind": i.kind, "value": i.value})
            for i in new_identities
        )

    for address, owner in zip(addresses, owners, strict=True):
        if owner is not None and owner.pk != customer.pk:
            _suggest_merge(customer, owner, address=address, events=events)
    return customer, created


def _suggest_merge(
    customer: Customer, other: Customer, *, address: Address, events: list[PendingEvent]
) -> None:
    first, second = sorted((customer, other), key=lambda c: c.pk)
    suggestion, created = MergeSuggestion.objects.get_or_create(
        customer=first,
        other=second,
        defaults={"address_kind": address.kind, "address_value": address.value},
    )
    if created:
        events.append(
            pending_event(
                "customer.merge_suggested",
                first,
                after={"other_id": second.pk, "suggestion_id": suggestion.pk},
            )
        )


def update_customer(
    customer: Customer,
    *,
    actor: Actor,
    name: str | None = None,
    language: str | None = None,
    notes: str | None = None,
    is_internal: bool | None = None,
) -> Customer:
    """Change the given profile fields (None leaves a field as it is)."""
    changes = {
        field: value
        for field, value in {
            "name": name,
            "language": language,
            "notes": notes,
            "is_internal": is_internal,
        }.items()
        if value is not None and getattr(customer, field) != value
    }
    if not changes:
        return customer
    with transaction.atomic():
        before = {field: getattr(customer, field) for field in changes}
        for field, value in changes.items():
            setattr(customer, field, value)
        customer.save(update_fields=[*changes, "updated_at"])
        record_event(actor, "customer.updated", customer, before=before, after=changes)
    return customer


def set_lifecycle_stage(
    customer: Customer,
    *,
    stage: LifecycleStage,
    actor: Actor,
    source: str = "",
    reason: str = "",
) -> Customer:
    """Put the customer in `stage` (by hand, or by a rule that derived it), and append the
    change to their journey history (sapa.journey.history) with `source` ("rule:<name>",
    "import"; by default "agent:<id>" for an agent, else "<actor kind>:<label>") and
    `reason`. Nothing is written when they are at `stage` already. Any stage may follow any
    other here: that rules only move forward is sapa.journey.actions.advance_stage's job.
    """
    # The journey app builds on customers; imported here, so customers never needs it loaded.
    from sapa.journey.history import record_transition, transition_source

    if customer.lifecycle_stage == stage:
        return customer
    with transaction.atomic():
        before = customer.lifecycle_stage
        source = source or transition_source(actor)
        customer.lifecycle_stage = stage
        customer.save(update_fields=["lifecycle_stage", "updated_at"])
        record_event(
            actor,
            "customer.stage_changed",
            customer,
            before={"stage": before},
            after={"stage": stage, "source": source, "reason": reason},
        )
        record_transition(customer, from_stage=before, to_stage=stage, source=source, reason=reason)
    return customer


def set_customer_tags(customer: Customer, *, names: list[str], actor: Actor) -> Customer:
    """Replace the customer's tags with `names` (already normalised)."""
    with transaction.atomic():
        before = sorted(customer.tags.values_list("name", flat=True))
        if before != sorted(names):
            customer.tags.set(ensure_tags(names))
            record_event(
                actor, "customer.tagged", customer, before={"tags": before}, after={"tags": names}
            )
    return customer


def merge_customers(source: Customer, *, into: Customer, actor: Actor) -> Customer:
    """Move everything of `source` to `into` and leave `source` as a tombstone pointing there.

    Identities, tickets, orders and tags move; notes are appended; the later lifecycle stage
    wins. Locks both rows (lower pk first). Raises PermissionDenied, CannotMerge.
    """
    from sapa.commerce.models import Order
    from sapa.conversations.models import Message, Ticket

    require(actor, Permission.MERGE_CUSTOMERS)
    if source.pk == into.pk:
        raise CannotMerge(_("A customer cannot be merged into itself."))
    with transaction.atomic():
        locked = {
            c.pk: c
            for c in Customer.objects.select_for_update()
            .filter(pk__in=[source.pk, into.pk])
            .order_by("pk")
        }
        source, into = locked[source.pk], locked[into.pk]
        if source.merged_into_id is not None or into.merged_into_id is not None:
            raise CannotMerge(_("One of these customers was already merged into another."))
        before = {"identities": list(into.identities.values_list("kind", "value"))}
        moved_tickets = Ticket.objects.filter(customer=source).update(customer=into)
        Message.objects.filter(author_customer=source).update(author_customer=into)
        moved_orders = Order.objects.filter(customer=source).update(customer=into)
        moved_identities = Identity.objects.filter(customer=source).update(customer=into)
        into.tags.add(*source.tags.all())
        Customer.objects.filter(merged_into=source).update(merged_into=into)
        if source.notes:
            into.notes = f"{into.notes}\n\n{source.notes}".strip()
        into.lifecycle_stage = later_stage(into.lifecycle_stage, source.lifecycle_stage)
        into.is_internal = into.is_internal or source.is_internal
        into.name = into.name or source.name
        into.save(update_fields=["notes", "lifecycle_stage", "is_internal", "name", "updated_at"])
        source.merged_into = into
        source.save(update_fields=["merged_into", "updated_at"])
        pair = Q(customer=source, other=into) | Q(customer=into, other=source)
        MergeSuggestion.objects.filter(pair).update(status=MergeSuggestionStatus.MERGED)
        _carry_suggestions(source, into)
        after = {
            "merged_customer_id": source.pk,
            "moved_tickets": moved_tickets,
            "moved_orders": moved_orders,
            "moved_identities": moved_identities,
        }
        record_event(actor, "customer.merged", into, before=before, after=after)
        record_event(actor, "customer.merged_away", source, after={"into_id": into.pk})
    return into


def _carry_suggestions(source: Customer, into: Customer) -> None:
    """Open suggestions that named `source` now name `into` (the same person)."""
    involving = MergeSuggestion.objects.filter(
        Q(customer=source) | Q(other=source), status=MergeSuggestionStatus.OPEN
    )
    for suggestion in involving:
        third_id = (
            suggestion.other_id if suggestion.customer_id == source.pk else suggestion.customer_id
        )
        if third_id != into.pk:
            first_id, second_id = sorted((into.pk, third_id))
            MergeSuggestion.objects.get_or_create(
                customer_id=first_id,
                other_id=second_id,
                defaults={
                    "address_kind": suggestion.address_kind,
                    "address_value": suggestion.address_value,
                },
            )
    involving.update(status=MergeSuggestionStatus.DISMISSED)


def dismiss_merge_suggestion(suggestion: MergeSuggestion, *, actor: Actor) -> None:
    """Record that the two customers are different people."""
    require(actor, Permission.MERGE_CUSTOMERS)
    with transaction.atomic():
        updated = MergeSuggestion.objects.filter(
            pk=suggestion.pk, status=MergeSuggestionStatus.OPEN
        ).update(status=MergeSuggestionStatus.DISMISSED)
        if updated:
            record_event(
                actor,
                "customer.merge_dismissed",
                suggestion.customer,
                after={"other_id": suggestion.other_id},
            )
