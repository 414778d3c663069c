"""Every change to surveys: planning them (sending), answers (answers), the low-score
follow-up (follow_ups) and the experience rating (experience). Entry points call these."""

from sapa.surveys.actions.answers import Answer, answer_from_message, answer_survey, is_open
from sapa.surveys.actions.experience import recompute_experience
from sapa.surveys.actions.follow_ups import follow_up_low_score
from sapa.surveys.actions.sending import (
    plan_csat,
    plan_missed_csats,
    plan_nps,
    plan_nps_batch,
    withdraw_csat,
)

__all__ = [
    "Answer",
    "answer_from_message",
    "answer_survey",
    "follow_up_low_score",
    "is_open",
    "plan_csat",
    "plan_missed_csats",
    "plan_nps",
    "plan_nps_batch",
    "recompute_experience",
    "withdraw_csat",
]
