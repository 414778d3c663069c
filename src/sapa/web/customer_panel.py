"""What the after-sale domains add to the customer panel beside a ticket: consent, the
journey stage, open promo codes, survey results and reviews. Each domain names its own read
(`panel_*` in its queries module); this module only gathers them for the template."""

from typing import Any

from sapa.customers.models import Customer
from sapa.engagement.queries import consent_lines


def after_sale_context(customer: Customer) -> dict[str, Any]:
    lines = consent_lines(customer)
    return {
        "consent_lines": lines,
        "consent_refused": any(not line.allowed for line in lines),
    }
