"""Who is signed in to the portal. Kept in the Django session under its own key: a customer
is never a Django user, and an agent's sign-in in the same browser is left alone."""

from dataclasses import dataclass

from django.http import HttpRequest

from sapa.customers.models import Customer

SESSION_KEY = "sapa_portal"
# A merged customer points at the one it became; a chain longer than this is not followed.
MAX_MERGE_HOPS = 5


@dataclass(frozen=True)
class PortalVisitor:
    customer: Customer
    # The address the customer proved they read; their web messages come from it.
    email: str


def sign_in(request: HttpRequest, *, customer: Customer, email: str) -> None:
    # A new session key on sign-in: a key planted before cannot ride on the sign-in.
    request.session.cycle_key()
    request.session[SESSION_KEY] = {"customer_id": customer.pk, "email": email}


def sign_out(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()


def current_visitor(request: HttpRequest) -> PortalVisitor | None:
    stored = request.session.get(SESSION_KEY)
    if not isinstance(stored, dict) or not isinstance(stored.get("customer_id"), int):
        return None
    customer_id: int = stored["customer_id"]
    email = str(stored.get("email", ""))
    customer = Customer.objects.filter(pk=customer_id).first()
    for _hop in range(MAX_MERGE_HOPS):
        if customer is None or customer.merged_into_id is None:
            break
        customer = Customer.objects.filter(pk=customer.merged_into_id).first()
    if customer is None or customer.merged_into_id is not None:
        return None
    return PortalVisitor(customer=customer, email=email)
