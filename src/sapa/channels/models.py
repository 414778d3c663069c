from django.db import models


class LoggedDelivery(models.Model):
    """What the log adapter 'sent': the stand-in for a provider's outbox."""

    message_id = models.BigIntegerField(db_index=True)
    channel = models.CharField(max_length=16)
    to_address = models.CharField(max_length=320)
    subject = models.CharField(max_length=300, blank=True)
    text = models.TextField()
    delivered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-delivered_at"]

    def __str__(self) -> str:
        return f"{self.channel} -> {self.to_address}"
