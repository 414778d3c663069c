from django.http import HttpRequest, HttpResponse


def article(request: HttpRequest, lang: str, article_id: int, slug: str) -> HttpResponse:
    return HttpResponse("")
