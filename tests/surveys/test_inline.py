"""A score typed in the conversation right after the survey question is the answer; anything
else stays an ordinary message. Through the real inbound road and handlers."""

import pytest

from sapa.conversations.models import AuthorKind, Direction, Message, TicketStatus
from sapa.surveys.links import survey_url
from sapa.surveys.models import AnsweredVia
from sapa.surveys.queries import ticket_survey
from tests.builders import inbound
from tests.surveys.conftest import csat_of, later, open_ticket, solve

pytestmark = pytest.mark.django_db(transaction=True)


def _chat_ticket(team, rina):
    return open_ticket(team, rina, channel="whatsapp", email=None, phone="+6281234567890")


def _whatsapp(text):
    return inbound(text, channel="whatsapp", email=None, phone="+6281234567890")


def test_a_score_typed_after_the_question_is_the_answer_and_the_ticket_stays_solved(team, rina):
    # given a solved WhatsApp ticket whose survey went out on WhatsApp
    ticket = _chat_ticket(team, rina)
    solve(ticket, rina)
    question = Message.objects.get(ticket=ticket, meta__outreach_kind="survey_csat")
    assert question.channel == "whatsapp"
    # when the customer answers with stars
    with later(hours=1):
        result = _whatsapp("⭐⭐⭐⭐")
    # then the survey is answered from that message
    response = csat_of(ticket)
    assert result.ticket_id == ticket.pk
    assert (response.score, response.answered_via) == (4, AnsweredVia.CHAT)
    assert response.answer_message_id == result.message_id
    # the ticket is solved again, the customer thanked with the link for a comment
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.SOLVED
    thanks = Message.objects.filter(
        ticket=ticket, direction=Direction.OUTBOUND, author_kind=AuthorKind.SYSTEM
    ).latest("pk")
    assert survey_url(response) in thanks.text
    # and the re-open the score caused does not count against the experience
    experience = ticket_survey(ticket).experience
    assert experience is not None
    assert (experience.reopen_count, experience.rating) == (0, "good")


def test_a_sentence_is_not_a_score_and_only_the_first_message_after_the_question_counts(team, rina):
    ticket = _chat_ticket(team, rina)
    solve(ticket, rina)
    with later(hours=1):
        _whatsapp("5 hari lagi baru sampai ya?")
    with later(hours=2):
        _whatsapp("5")
    assert csat_of(ticket).answered_at is None
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN


def test_a_score_after_the_inline_window_is_an_ordinary_message(team, rina, settings):
    settings.SAPA_SURVEY_INLINE_DAYS = 7
    ticket = _chat_ticket(team, rina)
    solve(ticket, rina)
    with later(days=8):
        _whatsapp("5")
    assert csat_of(ticket).answered_at is None


def test_an_email_reply_with_a_score_answers_too(ticket, rina):
    solve(ticket, rina)
    with later(hours=1):
        inbound("4/5", ticket_id=ticket.pk)
    assert csat_of(ticket).score == 4
