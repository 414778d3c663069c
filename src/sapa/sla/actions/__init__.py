"""Every change to SLA calendars, policies and clocks. Views, handlers and tasks call these;
nothing else writes SLA models."""

from sapa.sla.actions.alerts import record_due_breaches, send_due_warnings
from sapa.sla.actions.calendars import (
    CalendarDraft,
    add_holiday,
    create_calendar,
    ensure_default_calendar,
    import_holidays,
    remove_holiday,
    set_holiday_active,
    update_calendar,
)
from sapa.sla.actions.clocks import (
    follow_status,
    record_response,
    retarget_clocks,
    retime_running_clocks,
    start_clocks,
    start_next_response,
)
from sapa.sla.actions.policies import (
    PolicyDraft,
    TargetMinutes,
    create_policy,
    ensure_default_policy,
    update_policy,
)
from sapa.sla.actions.start import start_clocks_for_open_tickets

__all__ = [
    "CalendarDraft",
    "PolicyDraft",
    "TargetMinutes",
    "add_holiday",
    "create_calendar",
    "create_policy",
    "ensure_default_calendar",
    "ensure_default_policy",
    "follow_status",
    "import_holidays",
    "record_due_breaches",
    "record_response",
    "remove_holiday",
    "retarget_clocks",
    "retime_running_clocks",
    "send_due_warnings",
    "set_holiday_active",
    "start_clocks",
    "start_clocks_for_open_tickets",
    "start_next_response",
    "update_calendar",
    "update_policy",
]
