"""Writing the stage history. sapa.customers.actions.set_lifecycle_stage calls
`record_transition` with every change, whoever made it, inside its transaction."""

from sapa.core import clock
from sapa.core.actors import Actor
from sapa.customers.models import Customer
from sapa.journey.models import StageTransition
from sapa.journey.summary import refresh_journeys

SOURCE_IMPORT = "import"


def transition_source(actor: Actor) -> str:
    """The source of a change made without naming one: "agent:<id>" for an agent, else the
    actor ("system:shop", "integration:shop-api")."""
    if actor.agent is not None and actor.kind == "agent":
        return f"agent:{actor.agent.pk}"
    return f"{actor.kind}:{actor.label}"[:64]


def record_transition(
    customer: Customer, *, from_stage: str, to_stage: str, source: str, reason: str
) -> StageTransition:
    """Append the change to the history and refresh the customer's journey summary.
    Call inside the transaction that changed the stage."""
    transition = StageTransition.objects.create(
        customer=customer,
        from_stage=from_stage,
        to_stage=to_stage,
        at=clock.now(),
        source=source[:64],
        reason=reason[:300],
    )
    refresh_journeys([customer.pk])
    return transition
