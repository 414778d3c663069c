from django.db import models
from django.utils.translation import gettext_lazy as _

from sapa.core import clock
from sapa.customers.models import Customer, LifecycleStage

# What a customer's first contact was when it was not a ticket: an order or a signal from
# the shop's integration ("api"), or nothing recorded at all (created by an import).
FIRST_CONTACT_API = "api"
FIRST_CONTACT_IMPORT = "import"


class StageTransition(models.Model):
    """One change of a customer's lifecycle stage. Append-only, written with every change
    (sapa.customers.actions.set_lifecycle_stage), whatever made it."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="stage_transitions"
    )
    from_stage = models.CharField(max_length=16, choices=LifecycleStage.choices)
    to_stage = models.CharField(max_length=16, choices=LifecycleStage.choices)
    at = models.DateTimeField()
    # "rule:<name>" (a journey rule), "agent:<id>" (set by hand), "import", or for other
    # callers "<actor kind>:<actor label>" (the order count rule in commerce: "system:shop").
    source = models.CharField(max_length=64)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["customer", "-at", "-id"], name="stagetransition_customer_idx"),
            models.Index(fields=["to_stage", "at"], name="stagetransition_stage_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.from_stage} -> {self.to_stage}"

    @property
    def is_by_hand(self) -> bool:
        return self.source.startswith("agent:")


class SignalKind(models.TextChoices):
    CART = "cart", _("Cart")
    QUOTE = "quote", _("Quote")
    INTENT = "intent", _("Purchase intent")


class JourneySignal(models.Model):
    """Something the shop saw the customer do before buying: filled a cart, asked for a
    quote, said they would buy. Moves the customer to preference (docs/journey.md)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=SignalKind.choices)
    at = models.DateTimeField()
    value_minor = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, default="IDR")
    # The shop's own id for the signal: sending it again records nothing new.
    external_id = models.CharField(max_length=64, blank=True)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~models.Q(external_id=""),
                name="journeysignal_external_id_unique",
            ),
        ]
        indexes = [models.Index(fields=["customer", "at"], name="journeysignal_customer_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.customer_id}"


class CustomerJourney(models.Model):
    """Per customer, what the funnel report needs, derived from the customer, their stage
    history, tickets, orders and signals (sapa.journey.summary recomputes rows; never edit
    them by hand). One row per customer that was not merged into another.

    `<stage>_at` is the first time the customer was at that stage or a later one, so the
    dates never decrease along the journey: a customer who skipped a stage passed through it
    at the moment they reached the later one.
    """

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, primary_key=True, related_name="journey"
    )
    stage = models.CharField(
        max_length=16, choices=LifecycleStage.choices, default=LifecycleStage.AWARENESS
    )
    stage_since = models.DateTimeField()
    is_internal = models.BooleanField(default=False)
    # A Channel value, FIRST_CONTACT_API or FIRST_CONTACT_IMPORT.
    first_contact_channel = models.CharField(max_length=16, default=FIRST_CONTACT_IMPORT)
    first_contact_at = models.DateTimeField(null=True, blank=True)
    awareness_at = models.DateTimeField(null=True, blank=True)
    consideration_at = models.DateTimeField(null=True, blank=True)
    preference_at = models.DateTimeField(null=True, blank=True)
    purchase_at = models.DateTimeField(null=True, blank=True)
    repurchase_at = models.DateTimeField(null=True, blank=True)
    # Orders that were not cancelled; revenue in the report currency (IDR) only.
    first_order_at = models.DateTimeField(null=True, blank=True)
    orders_count = models.IntegerField(default=0)
    revenue_minor = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        indexes = [
            models.Index(
                fields=["first_contact_channel", "stage"], name="journey_channel_stage_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.stage}"
