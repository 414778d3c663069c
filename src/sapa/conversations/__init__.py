"""Conversations: tickets, their messages and attachments, and the one road every message
takes in (receive_inbound) and out (reply -> outbox -> delivery task)."""
