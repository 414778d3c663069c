"""API schemas for survey responses."""

from datetime import datetime

from ninja import Field, Schema

from sapa.surveys.models import SurveyKind, SurveyResponse


class SurveyResponseOut(Schema):
    id: int
    kind: SurveyKind
    customer_id: int
    ticket_id: int | None
    ticket_number: int | None = Field(None, description="The ticket's number, for people")
    agent_id: int | None = Field(None, description="The ticket's assignee when it was solved")
    channel: str
    language: str
    score: int | None = Field(None, description="CSAT 1-5, NPS 0-10, CES 1-7; null: unanswered")
    comment: str
    comment_sentiment: str = Field(description="positive, neutral, negative; empty: no comment")
    answered_via: str = Field(description="link, chat; empty: unanswered")
    answered_at: datetime | None
    changed_at: datetime | None
    created_at: datetime
    follow_up_promise_id: int | None

    @staticmethod
    def resolve_ticket_number(response: SurveyResponse) -> int | None:
        return response.ticket.number if response.ticket is not None else None
