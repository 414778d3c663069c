"""Answering through the signed link: the page, one answer per survey, changes within the
window, tokens that name another survey, and what is stored with the answer."""

import re

import pytest
from django.core import signing

from sapa.core.actors import Actor
from sapa.core.exceptions import InvalidInput
from sapa.core.models import Event
from sapa.surveys import actions
from sapa.surveys.actions import Answer
from sapa.surveys.exceptions import SurveyClosed
from sapa.surveys.links import SALT, survey_path, token_for
from sapa.surveys.models import AnsweredVia, SurveyKind, SurveyResponse
from tests.surveys.conftest import later, open_ticket

pytestmark = pytest.mark.django_db

CUSTOMER = Actor.customer("test")


def _planned(ticket, rina):
    """The ticket's CSAT as planning writes it (without the event road: the page alone)."""
    return SurveyResponse.objects.create(
        kind=SurveyKind.CSAT,
        customer_id=ticket.customer_id,
        ticket=ticket,
        agent=rina,
        channel="email",
        outreach_key=f"survey_csat:ticket:{ticket.pk}",
    )


@pytest.fixture
def survey(ticket, rina):
    return _planned(ticket, rina)


def test_the_page_shows_the_scale_in_the_customers_language_and_get_records_nothing(client, survey):
    """Opening the link (a mail scanner does too) never answers; ?score pre-selects."""
    response = client.get(survey_path(survey, score=4))
    assert response.status_code == 200
    assert response["Content-Language"] == "id"
    assert response["Referrer-Policy"] == "same-origin"
    assert '<html lang="id">' in response.text
    for value in range(1, 6):
        assert f'id="score-{value}" name="score" value="{value}"' in response.text
    assert 'value="4" checked' in response.text
    assert 'name="csrfmiddlewaretoken"' in response.text
    survey.refresh_from_db()
    assert survey.answered_at is None
    assert not Event.objects.filter(verb__startswith="survey.").exists()


def test_answering_through_the_page_stores_score_comment_and_sentiment(client, survey):
    # when
    response = client.post(
        survey_path(survey), {"score": "5", "comment": "Pelayanannya cepat dan ramah, mantap!"}
    )
    # then
    assert response.status_code == 302
    assert response.url == f"/s/{token_for(survey)}/thanks/"
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (5, "Pelayanannya cepat dan ramah, mantap!")
    assert survey.comment_sentiment == "positive"
    assert survey.answered_via == AnsweredVia.LINK
    assert survey.answered_at is not None
    assert survey.changed_at is None
    [event] = Event.objects.filter(verb="survey.answered")
    assert event.after["score"] == 5
    thanks = client.get(response.url)
    assert thanks.status_code == 200
    assert "5 / 5" in thanks.text


def test_answering_twice_changes_the_answer_and_is_never_a_second_one(client, survey):
    """Within the change window the second POST changes the one answer."""
    client.post(survey_path(survey), {"score": "2", "comment": "lama sekali balasnya"})
    with later(days=3):
        client.post(survey_path(survey), {"score": "4", "comment": "ternyata cepat diganti"})
    assert SurveyResponse.objects.filter(ticket=survey.ticket).count() == 1
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (4, "ternyata cepat diganti")
    assert survey.changed_at is not None
    assert survey.changed_at > survey.answered_at
    verbs = list(Event.objects.filter(verb__startswith="survey.").values_list("verb", flat=True))
    assert verbs == ["survey.answered", "survey.changed"]


def test_after_the_change_window_the_page_is_read_only_and_a_post_is_refused(client, survey):
    client.post(survey_path(survey), {"score": "3", "comment": "biasa saja"})
    with later(days=8):
        page = client.get(survey_path(survey))
        refused = client.post(survey_path(survey), {"score": "5", "comment": "berubah"})
    assert page.status_code == 200
    assert 'name="score"' not in page.text
    assert "3 / 5" in page.text
    assert refused.status_code == 409
    survey.refresh_from_db()
    assert (survey.score, survey.comment) == (3, "biasa saja")
    with later(days=8), pytest.raises(SurveyClosed):
        actions.answer_survey(survey, Answer(score=5), actor=CUSTOMER)


def test_a_survey_never_answered_closes_after_the_answer_window(client, survey, settings):
    settings.SAPA_SURVEY_ANSWER_DAYS = 30
    with later(days=31):
        refused = client.post(survey_path(survey), {"score": "5"})
    assert refused.status_code == 409
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_a_token_for_another_ticket_never_answers_this_one(client, team, rina, survey):
    """The token binds the survey id: another ticket's token answers only that ticket's
    survey, and an altered or forged token is a 404 that writes nothing."""
    # given another ticket's survey and its token
    other_ticket = open_ticket(team, rina, email="ani@example.com", name="Ani")
    other = _planned(other_ticket, rina)
    # when the other token is used
    client.post(f"/s/{token_for(other)}/", {"score": "1"})
    # then only the other survey is answered
    survey.refresh_from_db()
    other.refresh_from_db()
    assert (survey.score, other.score) == (None, 1)
    # an id swapped into a valid token, a token signed with another salt, garbage: 404
    value, signature = token_for(other).split(":")
    swapped = f"{survey.pk}:{signature}"
    other_salt = signing.Signer(salt="sapa.engagement.unsubscribe").sign(str(survey.pk))
    for token in (swapped, other_salt, "123", f"{survey.pk}:abc"):
        assert client.get(f"/s/{token}/").status_code == 404
        assert client.post(f"/s/{token}/", {"score": "5"}).status_code == 404
    survey.refresh_from_db()
    assert survey.score is None
    assert value == str(other.pk)
    assert SALT == "sapa.surveys.answer"


def test_the_page_escapes_what_the_customer_wrote(client, survey):
    """A comment with markup comes back as text on the form and the thank-you page."""
    comment = '<script>alert("x")</script><b>buruk</b>'
    client.post(survey_path(survey), {"score": "1", "comment": comment})
    for page in (client.get(survey_path(survey)), client.get(f"/s/{token_for(survey)}/thanks/")):
        assert "<script>alert" not in page.text
        assert "<b>buruk</b>" not in page.text
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page.text


@pytest.mark.parametrize(
    ("data", "field"),
    [({"comment": "tanpa nilai"}, "score"), ({"score": "6"}, "score"), ({"score": "x"}, "score")],
)
def test_a_bad_form_names_the_field_and_writes_nothing(client, survey, data, field):
    response = client.post(survey_path(survey), data)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_the_action_refuses_scores_off_the_scale_naming_the_field(survey):
    with pytest.raises(InvalidInput) as raised:
        actions.answer_survey(survey, Answer(score=0), actor=CUSTOMER)
    assert raised.value.loc == ["score"]
    with pytest.raises(InvalidInput) as raised:
        actions.answer_survey(survey, Answer(score=3, comment="x" * 2001), actor=CUSTOMER)
    assert raised.value.loc == ["comment"]


def test_nps_page_asks_the_shop_question_on_a_zero_to_ten_scale(client, ticket, settings):
    settings.SAPA_SHOP_NAME = "Toko Buku Sapa"
    nps = SurveyResponse.objects.create(
        kind=SurveyKind.NPS, customer_id=ticket.customer_id, period="2026-10-28", language="en"
    )
    page = client.get(survey_path(nps))
    assert page["Content-Language"] == "en"
    assert "How likely are you to recommend Toko Buku Sapa to a friend or colleague?" in page.text
    assert len(re.findall(r'name="score" value="\d+"', page.text)) == 11
    client.post(survey_path(nps), {"score": "9"})
    nps.refresh_from_db()
    assert nps.score == 9


def test_ces_is_asked_beside_csat_when_switched_on_and_stored_as_its_own_row(
    client, survey, settings
):
    settings.SAPA_SURVEY_ASK_CES = True
    page = client.get(survey_path(survey))
    assert 'name="ces_score" value="7"' in page.text
    client.post(survey_path(survey), {"score": "4", "ces_score": "6", "comment": ""})
    ces = SurveyResponse.objects.get(ticket=survey.ticket, kind=SurveyKind.CES)
    assert (ces.score, ces.agent_id) == (6, survey.agent_id)
    with later(days=1):
        client.post(survey_path(survey), {"score": "4", "ces_score": "7", "comment": ""})
    ces.refresh_from_db()
    assert ces.score == 7
    assert SurveyResponse.objects.filter(ticket=survey.ticket).count() == 2


def test_the_page_speaks_english_on_request(client, survey):
    page = client.get(f"{survey_path(survey)}?lang=en")
    assert page["Content-Language"] == "en"
    assert "How satisfied are you with the help you received?" in page.text
