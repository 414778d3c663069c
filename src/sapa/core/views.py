from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sapa.core.health import check_database


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """`{"status": "ok", "database": "ok"}`, or 503 naming what is wrong."""
    problem = check_database()
    if problem is None:
        return JsonResponse({"status": "ok", "database": "ok"})
    return JsonResponse({"status": "error", "database": problem}, status=503)
