"""The bot's language understanding, Indonesian and English: what a message wants (intent),
the identifiers in it (entities), and for questions the help-center article that answers
it, with whether that answer is safe to give on its own.

    >>> understand("min, pesanan 10045 udh dikirim blm?").intent
    'order_status'
"""

from sapa.bot.nlu.entities import extract_entities
from sapa.bot.nlu.intents import INTENTS
from sapa.bot.nlu.understanding import Understanding, understand

__all__ = ["INTENTS", "Understanding", "extract_entities", "understand"]
