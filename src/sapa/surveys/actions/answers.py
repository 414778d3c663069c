"""Answering: from the survey page, or with a score typed in the conversation.

One answer per survey. Answering again within SAPA_SURVEY_CHANGE_DAYS of the first answer
changes it (never a second answer); after that the survey is read-only. A survey never
answered closes SAPA_SURVEY_ANSWER_DAYS after it was planned.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from sapa.conversations.actions import set_status
from sapa.conversations.actions.automatic import send_automatic
from sapa.conversations.models import AuthorKind, Direction, Message, TicketStatus
from sapa.core import clock
from sapa.core.actions import record_event
from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput, SapaError
from sapa.engagement.models import Outreach, OutreachStatus
from sapa.engagement.sentiment import classify
from sapa.surveys.actions.experience import recompute_experience
from sapa.surveys.actions.sending import OUTREACH_KINDS
from sapa.surveys.exceptions import SurveyClosed
from sapa.surveys.inline_scores import parse_inline_score
from sapa.surveys.links import survey_url
from sapa.surveys.models import SCALES, AnsweredVia, SurveyKind, SurveyResponse

logger = logging.getLogger(__name__)

COMMENT_MAX_CHARS = 2000


@dataclass(frozen=True)
class Answer:
    score: int
    comment: str = ""
    # The effort score asked beside a CSAT when SAPA_SURVEY_ASK_CES is on; None: not given.
    ces_score: int | None = None


def closes_at(response: SurveyResponse) -> datetime:
    """Until when the survey may be answered (never answered) or changed (answered)."""
    if response.answered_at is not None:
        return response.answered_at + timedelta(days=settings.SAPA_SURVEY_CHANGE_DAYS)
    return response.created_at + timedelta(days=settings.SAPA_SURVEY_ANSWER_DAYS)


def is_open(response: SurveyResponse, *, now: datetime | None = None) -> bool:
    return (now or clock.now()) <= closes_at(response)


def check_answer(response: SurveyResponse, answer: Answer) -> Answer:
    """The answer with its comment tidied; InvalidInput naming the field when a score is
    off the scale or the comment too long."""
    low, high = SCALES[response.kind]
    if not low <= answer.score <= high:
        raise InvalidInput(
            _("Choose a score from %(low)d to %(high)d.") % {"low": low, "high": high},
            loc=["score"],
        )
    comment = answer.comment.strip()
    if len(comment) > COMMENT_MAX_CHARS:
        raise InvalidInput(
            _("At most %(limit)d characters.") % {"limit": COMMENT_MAX_CHARS}, loc=["comment"]
        )
    ces_score = answer.ces_score
    if ces_score is not None:
        ces_low, ces_high = SCALES[SurveyKind.CES]
        if response.kind != SurveyKind.CSAT or not settings.SAPA_SURVEY_ASK_CES:
            ces_score = None
        elif not ces_low <= ces_score <= ces_high:
            raise InvalidInput(
                _("Choose a score from %(low)d to %(high)d.") % {"low": ces_low, "high": ces_high},
                loc=["ces_score"],
            )
    return Answer(score=answer.score, comment=comment, ces_score=ces_score)


def answer_survey(
    response: SurveyResponse,
    answer: Answer,
    *,
    actor: Actor,
    via: AnsweredVia = AnsweredVia.LINK,
    message: Message | None = None,
) -> SurveyResponse:
    """Record the customer's answer, or change it. The comment's sentiment is stored with
    it; the ticket's experience is rated again. A "survey.answered" (first time) or
    "survey.changed" Event; a low score makes the team lead a follow-up after commit
    (sapa.surveys.handlers). Answering the same again changes nothing.

    Raises InvalidInput (score, comment, ces_score), SurveyClosed (past the answer or
    change window).
    """
    answer = check_answer(response, answer)
    sentiment = classify(answer.comment).label if answer.comment else ""
    with transaction.atomic():
        locked = (
            SurveyResponse.objects.select_for_update(of=("self",))
            .select_related("ticket", "customer")
            .get(pk=response.pk)
        )
        now = clock.now()
        if not is_open(locked, now=now):
            raise SurveyClosed()
        first = locked.answered_at is None
        unchanged = (locked.score, locked.comment) == (answer.score, answer.comment)
        if unchanged and not first and not _ces_changes(locked, answer):
            return locked
        before = {} if first else {"score": locked.score, "comment": locked.comment}
        locked.score = answer.score
        locked.comment = answer.comment
        locked.comment_sentiment = sentiment
        locked.answered_via = via
        if message is not None:
            locked.answer_message = message
        if first:
            locked.answered_at = now
        else:
            locked.changed_at = now
        if not locked.channel:
            locked.channel = message.channel if message is not None else _asked_on(locked)
        locked.save(
            update_fields=[
                "score",
                "comment",
                "comment_sentiment",
                "answered_via",
                "answer_message",
                "answered_at",
                "changed_at",
                "channel",
            ]
        )
        if answer.ces_score is not None:
            _answer_ces(locked, answer.ces_score, now=now)
        record_event(
            actor,
            "survey.answered" if first else "survey.changed",
            locked,
            before=before,
            after={
                "response_id": locked.pk,
                "kind": locked.kind,
                "score": locked.score,
                "comment_sentiment": sentiment,
                "via": via,
                "ticket_id": locked.ticket_id,
                "customer_id": locked.customer_id,
            },
        )
        if locked.ticket is not None:
            recompute_experience(locked.ticket, actor=actor)
    return locked


def _ces_changes(response: SurveyResponse, answer: Answer) -> bool:
    if answer.ces_score is None or response.ticket_id is None:
        return False
    current = (
        SurveyResponse.objects.filter(ticket_id=response.ticket_id, kind=SurveyKind.CES)
        .values_list("score", flat=True)
        .first()
    )
    return current != answer.ces_score


def _answer_ces(csat: SurveyResponse, score: int, *, now: datetime) -> None:
    """The effort score lives in a row of its own (kind CES) on the same ticket, so reports
    aggregate it like any score."""
    ces, created = SurveyResponse.objects.get_or_create(
        ticket=csat.ticket,
        kind=SurveyKind.CES,
        defaults={
            "customer_id": csat.customer_id,
            "agent_id": csat.agent_id,
            "channel": csat.channel,
            "language": csat.language,
            "outreach_key": csat.outreach_key,
            "score": score,
            "answered_via": AnsweredVia.LINK,
            "answered_at": now,
            "created_at": now,
        },
    )
    if not created and ces.score != score:
        ces.score = score
        ces.changed_at = now
        ces.save(update_fields=["score", "changed_at"])


def _asked_on(response: SurveyResponse) -> str:
    """The channel the question went out on, as the outreach recorded it."""
    channel = (
        Outreach.objects.filter(dedupe_key=response.outreach_key)
        .values_list("channel", flat=True)
        .first()
    )
    return channel or ""


def answer_from_message(message: Message) -> SurveyResponse | None:
    """If `message` answers a survey question with nothing but a score, record it.

    It counts when it is the customer's first message on the ticket since a CSAT or NPS
    question went out there, within SAPA_SURVEY_INLINE_DAYS, and the survey is not answered
    yet. Then the ticket, re-opened by the message, is solved again, and the customer is
    thanked with the link to add a comment. Idempotent: a second run finds it answered.
    """
    if (
        message.direction != Direction.INBOUND
        or message.author_kind != AuthorKind.CUSTOMER
        or message.auto_reply
    ):
        return None
    question = _question_before(message)
    if question is None:
        return None
    response = SurveyResponse.objects.filter(outreach_key=question.dedupe_key).first()
    if response is None or response.answered_at is not None:
        return None
    score = parse_inline_score(message.text, scale=response.scale)
    if score is None:
        return None
    actor = Actor.customer(label=f"customer:{response.customer_id}")
    try:
        answered = answer_survey(
            response, Answer(score=score), actor=actor, via=AnsweredVia.CHAT, message=message
        )
    except SurveyClosed:
        return None
    _close_again_and_thank(answered, message)
    return answered


def _question_before(message: Message) -> Outreach | None:
    """The latest survey question sent on the message's ticket within the inline window,
    when no other customer message came between it and `message`."""
    window = timedelta(days=settings.SAPA_SURVEY_INLINE_DAYS)
    question = (
        Outreach.objects.filter(
            ticket_id=message.ticket_id,
            kind__in=OUTREACH_KINDS,
            status=OutreachStatus.SENT,
            sent_at__gte=message.created_at - window,
            sent_at__lte=message.created_at,
        )
        .order_by("-sent_at", "-pk")
        .first()
    )
    if question is None or question.sent_at is None:
        return None
    customer_messages = Message.objects.filter(
        ticket_id=message.ticket_id,
        direction=Direction.INBOUND,
        author_kind=AuthorKind.CUSTOMER,
        pk__lt=message.pk,
    )
    # Messages are numbered in the order they were stored: after the question's message.
    if question.message_id is not None:
        in_between = customer_messages.filter(pk__gt=question.message_id).exists()
    else:
        in_between = customer_messages.filter(created_at__gt=question.sent_at).exists()
    return None if in_between else question


def _close_again_and_thank(response: SurveyResponse, message: Message) -> None:
    """The score re-opened the ticket; nothing is left to do on it, so it is solved again
    (when nothing else happened since) and the customer gets a thank-you with the link."""
    ticket = message.ticket
    ticket.refresh_from_db()
    actor = Actor.automation("surveys:inline_answer")
    latest = (
        Message.objects.filter(
            ticket=ticket, direction=Direction.INBOUND, author_kind=AuthorKind.CUSTOMER
        )
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if ticket.status == TicketStatus.OPEN and latest == message.pk:
        try:
            set_status(ticket, status=TicketStatus.SOLVED, actor=actor)
        except SapaError as error:
            logger.info("ticket %s not solved again after a survey score: %s", ticket.pk, error)
    with translation.override(response.language):
        text = _("Thank you for your rating! Would you like to tell us more? %(url)s") % {
            "url": survey_url(response)
        }
    send_automatic(ticket, text=text, trigger=message, reason="surveys:inline_thanks")
