"""Rows the help center keeps for itself: the customer portal's sign-in links."""

from django.db import models

from sapa.customers.models import Customer


class PortalLink(models.Model):
    """A sign-in link mailed to a customer: single use, expiring.

    Only a hash of the token is stored, so a copy of the database signs nobody in.
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    # The address the link was sent to (the identity the customer proved they read).
    email = models.CharField(max_length=320)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="portallink_expires_idx")]

    def __str__(self) -> str:
        return f"portal link for {self.customer_id}"
