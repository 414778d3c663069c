"""The v1 API object: routers of every domain, token auth, OpenAPI at /api/v1/openapi.json."""

from ninja import NinjaAPI

from sapa.api.auth import BearerToken
from sapa.api.errors import register_error_handlers
from sapa.channels.email.api import router as email_router
from sapa.channels.walkin.api import router as walkin_router
from sapa.commerce.api import router as commerce_router
from sapa.commerce.api import shipments_router
from sapa.conversations.api import router as conversations_router
from sapa.customers.api import router as customers_router
from sapa.engagement.api import router as engagement_router
from sapa.journey.api import router as journey_router
from sapa.kb.api import router as kb_router
from sapa.loyalty.api import router as loyalty_router
from sapa.promises.api import router as promises_router
from sapa.reviews.api import router as reviews_router
from sapa.surveys.api import router as surveys_router
from sapa.webhooks.api import router as webhooks_router

api = NinjaAPI(
    title="Sapa API",
    version="1",
    description=(
        "Omnichannel customer service: inbound messages from any channel, tickets, customers "
        "with their cross-channel timeline, and the shop's orders. Authenticate with "
        "`Authorization: Bearer <token>` (create one with `sapa token create --user U`)."
    ),
    auth=BearerToken(),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
register_error_handlers(api)
api.add_router("", conversations_router)
api.add_router("/customers", customers_router)
api.add_router("/orders", commerce_router)
api.add_router("/shipments", shipments_router)
api.add_router("/channels/email", email_router)
api.add_router("", walkin_router)
api.add_router("/kb", kb_router)
api.add_router("/promo-codes", loyalty_router)
api.add_router("", promises_router)
api.add_router("", journey_router)
api.add_router("", reviews_router)
api.add_router("/surveys", surveys_router)
api.add_router("/webhooks", webhooks_router)
api.add_router("", engagement_router)
