"""Accounts: agents and their roles, teams, skills, capacity, and API tokens."""
