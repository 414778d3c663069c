"""Sapa: omnichannel customer service, Indonesian first."""

__version__ = "0.1.0"
