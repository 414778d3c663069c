"""Surveys, campaigns, consent — and the sentiment of what customers write."""
