"""The one place an order's status changes: checked against the state machine, one
"order.status_changed" Event per change. Used by the shop's updates and by tracking."""

from datetime import datetime

from sapa.commerce.models import Order, OrderStatus, StatusSource
from sapa.commerce.states import check_order_transition
from sapa.core.actions import PendingEvent, pending_event


def move_order_status(
    order: Order,
    target: OrderStatus,
    *,
    at: datetime,
    source: StatusSource,
    events: list[PendingEvent],
) -> None:
    """Move the locked `order` to `target`, reached at `at`; append its Event to `events`.

    The caller holds the order's row lock inside its transaction and records `events`.
    Raises InvalidOrderTransition (nothing changed).
    """
    check_order_transition(order.status, target)
    before = order.status
    order.status = target
    order.status_changed_at = at
    order.status_source = source
    order.save(update_fields=["status", "status_changed_at", "status_source", "updated_at"])
    events.append(
        pending_event(
            "order.status_changed",
            order,
            before={"status": before},
            after={
                "status": target.value,
                "customer_id": order.customer_id,
                "status_at": at.isoformat(),
                "source": source.value,
            },
        )
    )
