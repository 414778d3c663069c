"""Service-level targets: business-hours calendars with Indonesian holidays, SLA policies
per priority and customer segment, the clocks on each ticket, warnings and breaches."""
