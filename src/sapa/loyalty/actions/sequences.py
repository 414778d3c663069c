"""What a delivered order sets going, and what a return calls off: the thank-you (with a
promo code) and the review request. The messages themselves are planned on the outreach
queue (sapa.engagement.outreach), which checks consent, quiet hours and the per-customer
cap when each is due."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from sapa.commerce.models import Order, OrderStatus
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.engagement.models import Outreach, OutreachStatus, Purpose
from sapa.engagement.outreach import cancel_outreach, plan_outreach
from sapa.loyalty.actions.codes import Discount, issue_code_for_order, void_promo_code
from sapa.loyalty.models import AfterSaleSettings, PromoCode, PromoCodeKind, PromoCodeStatus
from sapa.loyalty.queries import get_after_sale_settings
from sapa.loyalty.texts import (
    DEFAULT_TEXTS,
    NO_NAME,
    SUBJECTS,
    CodeFacts,
    Template,
    fill,
    language_of,
    promo_sentence,
)

logger = logging.getLogger(__name__)

THANK_YOU = "thank_you"
REVIEW_REQUEST = "review_request"


def thank_you_key(order: Order) -> str:
    return f"thank_you:order:{order.pk}"


def review_request_key(order: Order) -> str:
    return f"review_request:order:{order.pk}"


@dataclass(frozen=True)
class AfterSale:
    """What start_after_sale found or planned for one order (None: switched off)."""

    thank_you: Outreach | None
    review_request: Outreach | None
    promo_code: PromoCode | None


def custom_text(config: AfterSaleSettings, template: Template, language: str) -> str:
    return str(getattr(config, f"{template.value}_text_{language}"))


def base_values(customer_name: str, language: str) -> dict[str, str]:
    first_name = customer_name.split(" ", 1)[0] if customer_name.strip() else ""
    return {"name": first_name or NO_NAME[language], "shop": settings.SAPA_SHOP_NAME}


def compose(
    config: AfterSaleSettings,
    template: Template,
    *,
    language: str,
    values: dict[str, str],
    code: PromoCode | None = None,
) -> tuple[str, str]:
    """(subject, text) of one message in `language`; with `code`, its sentence follows."""
    text_values = dict(values)
    sentence = ""
    if code is not None:
        facts = CodeFacts(
            code=code.code,
            discount_percent=code.discount_percent,
            discount_minor=code.discount_minor,
            currency=code.currency,
            min_order_minor=code.min_order_minor,
            expires_at=code.expires_at,
        )
        text_values.update(facts.values(language))
        sentence = promo_sentence(custom_text(config, Template.PROMO, language), facts, language)
    body = custom_text(config, template, language) or DEFAULT_TEXTS[(template, language)]
    text = fill(body, text_values)
    if sentence:
        text = f"{text}\n\n{sentence}"
    subject = fill(SUBJECTS.get((template, language), ""), text_values)
    return subject, text


def review_link(order: Order) -> str | None:
    """The signed review link of sapa.reviews, or None while that app provides none."""
    try:
        from sapa.reviews.links import review_url
    except ImportError:
        logger.warning("sapa.reviews.links.review_url is missing: no review request")
        return None
    return review_url(order)


def start_after_sale(order: Order, *, delivered_at: datetime, actor: Actor) -> AfterSale:
    """The order was delivered at `delivered_at`: issue its thank-you code and plan the
    thank-you and the review request (`review_after_days` later), as the settings say.

    Idempotent: one code (unique per order) and one message per kind (dedupe keys per
    order), however often it runs, concurrently too. Nothing for an order now returned or
    cancelled (events handled late), nor for one delivered more than
    SAPA_AFTER_SALE_MAX_AGE_DAYS ago (a backfill of old orders must not send a wave of
    thank-yous).
    """
    empty = AfterSale(thank_you=None, review_request=None, promo_code=None)
    if order.status in (OrderStatus.RETURNED, OrderStatus.CANCELLED):
        return empty
    if delivered_at < clock.now() - timedelta(days=settings.SAPA_AFTER_SALE_MAX_AGE_DAYS):
        return empty
    config = get_after_sale_settings()
    customer = order.customer
    language = language_of(customer.language)
    values = {**base_values(customer.name, language), "order_number": order.number}
    thank_you = review = code = None
    with transaction.atomic():
        if config.thank_you_enabled:
            if config.thank_you_promo:
                code, _created = issue_code_for_order(
                    order,
                    kind=PromoCodeKind.THANK_YOU,
                    discount=Discount.of(config),
                    prefix=config.code_prefix,
                    actor=actor,
                )
                if code.status != PromoCodeStatus.ACTIVE:
                    code = None
            subject, text = compose(
                config, Template.THANK_YOU, language=language, values=values, code=code
            )
            thank_you, _created = plan_outreach(
                customer,
                kind=THANK_YOU,
                purpose=Purpose.MARKETING,
                dedupe_key=thank_you_key(order),
                text=text,
                subject=subject,
                actor=actor,
                meta={"order_id": order.pk, "promo_code_id": code.pk if code else None},
            )
        link = review_link(order) if config.review_enabled else None
        if link:
            subject, text = compose(
                config,
                Template.REVIEW,
                language=language,
                values={**values, "review_link": link},
            )
            review, _created = plan_outreach(
                customer,
                kind=REVIEW_REQUEST,
                purpose=Purpose.MARKETING,
                dedupe_key=review_request_key(order),
                text=text,
                subject=subject,
                actor=actor,
                send_after=delivered_at + timedelta(days=config.review_after_days),
                meta={"order_id": order.pk},
            )
    return AfterSale(thank_you=thank_you, review_request=review, promo_code=code)


def stop_after_sale(order: Order, *, reason: str, actor: Actor) -> bool:
    """The order came back (returned, cancelled after delivery): call off the thank-you and
    the review request still waiting, and void the thank-you code unless the thank-you went
    out already (a code the customer was given stays theirs). True when something was
    called off."""
    with transaction.atomic():
        cancelled = cancel_outreach(thank_you_key(order), reason=reason)
        cancelled = cancel_outreach(review_request_key(order), reason=reason) or cancelled
        told = Outreach.objects.filter(
            dedupe_key=thank_you_key(order), status=OutreachStatus.SENT
        ).exists()
        if told:
            return cancelled
        codes = PromoCode.objects.filter(
            source_order=order, kind=PromoCodeKind.THANK_YOU, status=PromoCodeStatus.ACTIVE
        )
        for code in codes:
            cancelled = void_promo_code(code, reason=reason, actor=actor) or cancelled
    return cancelled


def catch_up_deliveries(*, hours: int) -> int:
    """start_after_sale (idempotent) for the orders delivered in the last `hours`, in case
    the event of one was lost; how many orders were looked at."""
    since = clock.now() - timedelta(hours=hours)
    actor = Actor.system("after-sale")
    recent = Q(status_changed_at__gte=since) | Q(
        status_changed_at__isnull=True, updated_at__gte=since
    )
    order_ids = list(
        Order.objects.filter(recent, status=OrderStatus.DELIVERED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for order in Order.objects.select_related("customer").filter(pk__in=order_ids):
        delivered_at = order.status_changed_at or order.updated_at
        start_after_sale(order, delivered_at=delivered_at, actor=actor)
    return len(order_ids)
