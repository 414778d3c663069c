"""Lifecycle stages in journey order, and the rules that move a customer forward."""

from sapa.customers.models import LifecycleStage

STAGE_ORDER: tuple[str, ...] = tuple(LifecycleStage.values)


def later_stage(first: str, second: str) -> str:
    """The stage further along the journey."""
    return max(first, second, key=STAGE_ORDER.index)


def stage_for_order_count(order_count: int) -> str | None:
    """The stage a customer reaches by buying: None before the first order."""
    if order_count >= 2:
        return LifecycleStage.REPURCHASE
    if order_count == 1:
        return LifecycleStage.PURCHASE
    return None


def is_later(stage: str, *, than: str) -> bool:
    """`stage` lies further along the journey than `than`."""
    return STAGE_ORDER.index(stage) > STAGE_ORDER.index(than)
