from django.db import models
from django.db.models import Case, F, Value, When
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sapa.channels.kinds import PHONE_KINDS, IdentityKind
from sapa.core import clock
from sapa.core.models import Tag


class LifecycleStage(models.TextChoices):
    AWARENESS = "awareness", _("Awareness")
    CONSIDERATION = "consideration", _("Consideration")
    PREFERENCE = "preference", _("Preference")
    PURCHASE = "purchase", _("Purchase")
    REPURCHASE = "repurchase", _("Repurchase")


class Customer(models.Model):
    name = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=8, default="id")
    tags = models.ManyToManyField(Tag, blank=True, related_name="customers")
    notes = models.TextField(blank=True)
    lifecycle_stage = models.CharField(
        max_length=16, choices=LifecycleStage.choices, default=LifecycleStage.AWARENESS
    )
    # Colleagues who write in like customers (an internal request from the warehouse).
    is_internal = models.BooleanField(default=False)
    # A customer merged into another stays as a tombstone so old links still resolve.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["name"], name="customer_name_idx")]

    def __str__(self) -> str:
        return self.name or f"#{self.pk}"

    @property
    def first_name(self) -> str:
        return self.name.split(" ", 1)[0] if self.name else ""


class Identity(models.Model):
    """One address a customer is reachable at; (kind, value) belongs to one customer."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(max_length=16, choices=IdentityKind.choices)
    value = models.CharField(max_length=320)
    is_verified = models.BooleanField(default=False)
    # Set when mail to this address bounced permanently; cleared when they write again.
    bouncing_since = models.DateTimeField(null=True, blank=True)
    bounce_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name_plural = "identities"
        constraints = [
            # A phone number belongs to one customer whether it was seen as a phone or a
            # WhatsApp address, also when two first messages race (one of each kind).
            models.UniqueConstraint(
                Case(
                    When(kind__in=sorted(PHONE_KINDS), then=Value("phone")),
                    default=F("kind"),
                    output_field=models.CharField(),
                ),
                F("value"),
                name="identity_address_unique",
            ),
        ]
        indexes = [models.Index(fields=["value"], name="identity_value_idx")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class MergeSuggestionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MERGED = "merged", _("Merged")
    DISMISSED = "dismissed", _("Dismissed")


class MergeSuggestion(models.Model):
    """Two customers that are probably one person, found when one message named both.

    Never merged automatically: a wrong merge shows one customer's history to another.
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    # The address that one message named and that belonged to the other customer.
    address_kind = models.CharField(max_length=16, choices=IdentityKind.choices)
    address_value = models.CharField(max_length=320)
    status = models.CharField(
        max_length=16, choices=MergeSuggestionStatus.choices, default=MergeSuggestionStatus.OPEN
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "other"], name="mergesuggestion_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} ~ {self.other_id}"

    @property
    def reason(self) -> str:
        """Why the two are probably one person, in the reader's language."""
        sentence = gettext(
            "One message came from %(kind)s %(value)s, which belongs to another customer."
        )
        return sentence % {
            "kind": self.get_address_kind_display(),
            "value": self.address_value,
        }
