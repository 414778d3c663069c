"""API schemas for promises."""

from datetime import datetime

from ninja import Field, Schema

from sapa.api.schemas import Ref
from sapa.promises.models import Promise, PromiseStatus


class PromiseIn(Schema):
    text: str = Field(min_length=1, max_length=500, description="What was promised")
    due: str = Field(
        min_length=1,
        max_length=100,
        description=(
            "When: an ISO 8601 datetime (without an offset it is read in the console's time "
            "zone) or a phrase such as “besok 17:00”, “lusa”, “2 jam”, “tomorrow 5pm”"
        ),
    )
    owner_id: int | None = Field(None, description="The agent who keeps it; default: the caller")
    follow_up_text: str = Field(
        "", description="Sent to the customer when it falls due, unless settled first"
    )


class SettleIn(Schema):
    note: str = Field("", max_length=500)


class RescheduleIn(Schema):
    due: str = Field(min_length=1, max_length=100, description="As in PromiseIn.due")


class PromiseOut(Schema):
    id: int
    ticket_id: int
    customer_id: int
    text: str
    due_at: datetime
    status: PromiseStatus
    owner: Ref
    created_by: Ref | None
    follow_up_text: str
    follow_up_at: datetime | None
    follow_up_sent_at: datetime | None
    follow_up_message_id: int | None
    reminder_sent_at: datetime | None
    due_notified_at: datetime | None
    resolved_at: datetime | None
    resolution_note: str
    created_at: datetime

    @staticmethod
    def resolve_owner(promise: Promise) -> dict[str, object]:
        return {"id": promise.owner_id, "name": promise.owner.display_name}

    @staticmethod
    def resolve_created_by(promise: Promise) -> dict[str, object] | None:
        if promise.created_by is None:
            return None
        return {"id": promise.created_by.pk, "name": promise.created_by.display_name}
