"""Named reads of the journey: a customer's stage with its recent history (the customer
panel), and their full stage history page by page (the API)."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from sapa.accounts.models import Agent
from sapa.core.cursors import decode_cursor, encode_cursor
from sapa.customers.models import Customer, LifecycleStage
from sapa.journey.models import CustomerJourney, StageTransition
from sapa.journey.rules import RULE_LABELS

PANEL_TRANSITIONS = 3


@dataclass(frozen=True)
class TransitionView:
    """One stage change as people read it: who or what made it, and why."""

    at: datetime
    from_stage: str
    to_stage: str
    from_label: str
    to_label: str
    source: str
    who: str
    reason: str
    by_hand: bool


@dataclass(frozen=True)
class PanelJourney:
    """What web/customers/partials/journey_stage.html shows."""

    customer: Customer
    stage: str
    stage_label: str
    since: datetime
    recent: list[TransitionView]
    stages: list[tuple[str, str]]  # (value, label) for the form, in journey order


def panel_journey(customer: Customer) -> PanelJourney:
    """The customer's stage, since when, their last PANEL_TRANSITIONS changes (newest
    first) and the stages to choose from. At most three queries."""
    journey = CustomerJourney.objects.filter(customer=customer).only("stage_since").first()
    recent = list(
        StageTransition.objects.filter(customer=customer).order_by("-at", "-id")[:PANEL_TRANSITIONS]
    )
    if journey is not None:
        since = journey.stage_since
    else:
        since = recent[0].at if recent else customer.created_at
    return PanelJourney(
        customer=customer,
        stage=customer.lifecycle_stage,
        stage_label=str(LifecycleStage(customer.lifecycle_stage).label),
        since=since,
        recent=describe_transitions(recent),
        stages=[(value, str(label)) for value, label in LifecycleStage.choices],
    )


def describe_transitions(transitions: list[StageTransition]) -> list[TransitionView]:
    """`transitions` with who made them: the agent's name, the rule's name, "Import" or the
    source as recorded. One query for the agents, none when there are none."""
    agent_ids = {
        int(t.source.split(":", 1)[1])
        for t in transitions
        if t.is_by_hand and t.source.split(":", 1)[1].isdigit()
    }
    names = (
        {a.pk: a.display_name for a in Agent.objects.filter(pk__in=agent_ids)} if agent_ids else {}
    )
    return [
        TransitionView(
            at=t.at,
            from_stage=t.from_stage,
            to_stage=t.to_stage,
            from_label=str(LifecycleStage(t.from_stage).label),
            to_label=str(LifecycleStage(t.to_stage).label),
            source=t.source,
            who=_who(t, names),
            reason=t.reason,
            by_hand=t.is_by_hand,
        )
        for t in transitions
    ]


def _who(transition: StageTransition, names: dict[int, str]) -> str:
    kind, _sep, rest = transition.source.partition(":")
    if kind == "agent" and rest.isdigit():
        return names.get(int(rest), transition.source)
    if kind == "rule" and rest in RULE_LABELS:
        return str(RULE_LABELS[rest])
    if transition.source == "import":
        return _("Import")
    return transition.source


def stage_history(
    customer: Customer, *, cursor: str | None, limit: int
) -> tuple[list[StageTransition], str | None]:
    """The customer's stage transitions, newest first, keyset-paginated. Raises
    InvalidInput (loc query.cursor) for a cursor that was not ours."""
    transitions = StageTransition.objects.filter(customer=customer)
    if cursor:
        at, transition_id = decode_cursor(cursor, shape=(datetime, int))
        transitions = transitions.filter(at__lte=at).exclude(at=at, id__gte=transition_id)
    page = list(transitions.order_by("-at", "-id")[: limit + 1])
    if len(page) <= limit:
        return page, None
    page = page[:limit]
    return page, encode_cursor(page[-1].at, page[-1].pk)
