"""Demo reviews for Toko Buku Sapa: the delivered demo orders get reviews through the same
actions customers and moderators use (published, one with the shop's reply, and one still
waiting in the moderation queue). Called by the demo loader after the orders exist."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sapa.accounts.models import Agent, Role
from sapa.commerce.models import Order, OrderStatus
from sapa.core import clock
from sapa.core.actors import Actor
from sapa.core.models import Event
from sapa.reviews import actions
from sapa.reviews.models import Review, ReviewSource


@dataclass(frozen=True)
class DemoReview:
    stars: int
    title: str
    text: str
    publish: bool
    reply: str = ""


# Given to the delivered orders, oldest first; more delivered orders than reviews: the rest
# stay unreviewed (a review request can still go out for them).
DEMO_REVIEWS = (
    DemoReview(
        5,
        "Bukunya sampai dengan aman",
        "Pengiriman cepat, dibungkus bubble wrap tebal jadi sampulnya mulus. "
        "Adminnya juga ramah waktu saya tanya resi. Mantap, bakal belanja lagi!",
        publish=True,
        reply="Terima kasih banyak, Kak! Senang bukunya sampai dengan selamat. "
        "Selamat membaca, ditunggu pesanan berikutnya 📚",
    ),
    DemoReview(
        4,
        "Bagus, cuma agak lama",
        "Bukunya original dan sesuai pesanan, packing rapi. Pengirimannya agak lama "
        "karena lewat gateway Jakarta, tapi overall puas.",
        publish=False,
    ),
    DemoReview(
        5,
        "",
        "Great selection of Indonesian novels and the parcel arrived on time. Thank you!",
        publish=True,
    ),
    DemoReview(
        2,
        "Sampul penyok",
        "Isi bukunya oke tapi sampulnya penyok waktu sampai, kecewa sedikit.",
        publish=False,
    ),
)
# Hours after delivery that the customer writes, and after that that a moderator acts.
_WRITTEN_AFTER_HOURS = 20
_MODERATED_AFTER_HOURS = 3


def _delivered_at(order: Order) -> datetime:
    """When the shop reported the order delivered (its Event), else three days after it
    was placed."""
    event = (
        Event.objects.filter(
            subject_type="order", subject_id=order.pk, after__status=OrderStatus.DELIVERED
        )
        .order_by("at")
        .first()
    )
    return event.at if event is not None else order.placed_at + timedelta(days=3)


def _moderator() -> Actor:
    supervisor = Agent.objects.filter(is_active=True, role=Role.SUPERVISOR).order_by("pk").first()
    return Actor.for_agent(supervisor) if supervisor else Actor.system("demo")


def load_demo_reviews() -> int:
    """Review the delivered orders without a review (up to len(DEMO_REVIEWS)), at the times
    they would have been written; returns how many were made. Idempotent."""
    now = clock.now()
    orders = [
        order
        for order in Order.objects.filter(status=OrderStatus.DELIVERED)
        .select_related("customer")
        .order_by("placed_at", "pk")
        if not Review.objects.filter(order=order).exists()
    ]
    moderator = _moderator()
    made = 0
    for order, script in zip(orders, DEMO_REVIEWS, strict=False):
        written = min(_delivered_at(order) + timedelta(hours=_WRITTEN_AFTER_HOURS), now)
        moderated = min(written + timedelta(hours=_MODERATED_AFTER_HOURS), now)
        customer = Actor.customer(order.customer.name)
        draft = actions.ReviewDraft(stars=script.stars, title=script.title, text=script.text)
        with clock.frozen_at(written):
            review = actions.submit_review(order, draft, source=ReviewSource.LINK, actor=customer)
        if script.publish:
            with clock.frozen_at(moderated):
                review = actions.approve_review(review, actor=moderator)
                if script.reply:
                    actions.reply_to_review(review, text=script.reply, actor=moderator)
        made += 1
    return made
