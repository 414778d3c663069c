"""Surveys: CSAT after a solved ticket, NPS now and then for customers who bought, CES as an
optional second question; the signed no-login answer page and answers typed in chat; results
per ticket, agent and customer; low scores become a follow-up for the team lead; and each
finished experience classified good, bad or indifferent (docs/surveys.md)."""
