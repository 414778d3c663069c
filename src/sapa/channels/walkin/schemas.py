from datetime import datetime

from ninja import Field, Schema


class VisitCustomerIn(Schema):
    name: str = Field("", max_length=200)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)


class VisitIn(Schema):
    location_code: str = Field(min_length=1, max_length=20)
    customer: VisitCustomerIn
    text: str = Field(min_length=1, max_length=4000)
    outcome: str = "follow_up"
    # The kiosk's own id for this visit: sending it again logs the visit once.
    client_id: str | None = Field(None, pattern=r"^[A-Za-z0-9_-]{1,48}$")


class VisitOut(Schema):
    id: int
    ticket_number: int
    location_code: str
    outcome: str
    created_at: datetime
