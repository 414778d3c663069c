"""API schemas for the customer journey."""

from datetime import date, datetime

from ninja import Field, Schema
from pydantic import AwareDatetime

from sapa.customers.models import LifecycleStage
from sapa.journey.models import SignalKind


class StageIn(Schema):
    stage: LifecycleStage
    reason: str = Field(min_length=1, max_length=300, description="Why; kept in the history")


class TransitionOut(Schema):
    from_stage: str
    to_stage: str
    at: datetime
    source: str = Field(description='"rule:<name>", "agent:<id>", "import" or "<actor>:<label>"')
    reason: str


class ReachedOut(Schema):
    awareness: datetime | None
    consideration: datetime | None
    preference: datetime | None
    purchase: datetime | None
    repurchase: datetime | None


class JourneyOut(Schema):
    customer_id: int
    stage: str
    stage_since: datetime
    first_contact_channel: str
    first_contact_at: datetime | None
    reached: ReachedOut = Field(description="The first time at this stage or a later one")
    orders_count: int
    revenue_minor: int
    currency: str
    recent: list[TransitionOut]


class SignalIn(Schema):
    signal: SignalKind
    at: AwareDatetime | None = Field(None, description="When it happened (default: now)")
    value_minor: int | None = Field(None, ge=0, description="Cart or quote value")
    currency: str = Field("IDR", pattern=r"^[A-Z]{3}$")
    external_id: str = Field("", max_length=64, description="The shop's id: sent twice, kept once")
    note: str = Field("", max_length=200)


class SignalCustomerIn(Schema):
    name: str = Field("", max_length=200)
    email: str | None = Field(None, max_length=320)
    phone: str | None = Field(None, max_length=40)


class AddressedSignalIn(SignalIn):
    customer: SignalCustomerIn


class SignalOut(Schema):
    id: int
    customer_id: int
    signal: str
    at: datetime
    value_minor: int | None
    currency: str
    external_id: str
    stage: str = Field(description="The customer's stage after the signal")


class ReportQuery(Schema):
    start: date | None = Field(None, alias="from", description="First day (default: 89 days ago)")
    end: date | None = Field(None, alias="to", description="Last day, included (default: today)")
    channel: str | None = Field(None, description="Channel of first contact; all when empty")


class StageCountOut(Schema):
    stage: str
    count: int


class StepOut(Schema):
    stage: str
    next_stage: str
    entered: int = Field(description="Reached `stage` in the period")
    converted: int = Field(description="…and `next_stage` by now")
    rate_percent: float | None
    timed: int = Field(description="…of those, who spent time in `stage` before moving on")
    average_seconds: float | None
    median_seconds: float | None


class ChannelFiguresOut(Schema):
    channel: str = Field(description='"" for all channels together')
    label: str
    customers: int
    stage_counts: list[StageCountOut]
    steps: list[StepOut]
    buyers: int = Field(description="First order in the period")
    repeat_buyers: int = Field(description="…with two or more orders that were not cancelled")
    repeat_rate_percent: float | None
    revenue_minor: int
    revenue_per_buyer_minor: int | None


class JourneyReportOut(Schema):
    start: date = Field(serialization_alias="from")
    end: date = Field(serialization_alias="to")
    channel: str | None
    currency: str
    total: ChannelFiguresOut
    channels: list[ChannelFiguresOut]
