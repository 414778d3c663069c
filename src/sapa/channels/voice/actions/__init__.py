"""Every write of the phone channel: calls as the provider reports them (calls.py), calls
agents log by hand (manual.py), and the phone's settings (config.py)."""

from sapa.channels.voice.actions.calls import (
    CallStart,
    finish_call,
    record_choice,
    record_connection,
    record_department,
    record_self_service,
    record_transcript,
    record_voicemail,
    start_call,
)
from sapa.channels.voice.actions.config import (
    DepartmentSettings,
    LineSettings,
    save_department,
    save_line,
    set_menu_route,
)
from sapa.channels.voice.actions.manual import ManualCall, log_call

__all__ = [
    "CallStart",
    "DepartmentSettings",
    "LineSettings",
    "ManualCall",
    "finish_call",
    "log_call",
    "record_choice",
    "record_connection",
    "record_department",
    "record_self_service",
    "record_transcript",
    "record_voicemail",
    "save_department",
    "save_line",
    "set_menu_route",
    "start_call",
]
