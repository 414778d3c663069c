"""Ticket numbers: unique, increasing, and past anything an import brought along."""

import pytest
from django.db import transaction

from sapa.conversations.numbering import (
    FIRST_TICKET_NUMBER,
    next_ticket_number,
    skip_ticket_numbers_through,
)

pytestmark = pytest.mark.django_db


def test_numbers_start_at_1001_or_later_and_increase():
    with transaction.atomic():
        first = next_ticket_number()
        second = next_ticket_number()
    assert first >= FIRST_TICKET_NUMBER
    assert second > first


def test_after_an_import_numbers_continue_past_it():
    with transaction.atomic():
        skip_ticket_numbers_through(250_000)
        assert next_ticket_number() == 250_001
        skip_ticket_numbers_through(10)  # never backwards
        assert next_ticket_number() == 250_002
