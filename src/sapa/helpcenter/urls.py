"""/help/: the help center. The customer portal adds its pages under /help/portal/."""

from django.urls import path, register_converter

from sapa.helpcenter import views
from sapa.helpcenter.branding import PUBLIC_LANGUAGES
from sapa.helpcenter.portal import urls as portal_urls
from sapa.reviews import views as review_views


class PublicLanguageConverter:
    """`id` or `en`: any other language is a 404, and never shadows `portal/`."""

    regex = "|".join(PUBLIC_LANGUAGES)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PublicLanguageConverter, "public_lang")

app_name = "help"

urlpatterns = [
    path("", views.index, name="index"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("brand.css", views.brand_css, name="brand_css"),
    path("files/<int:attachment_id>/<str:filename>", views.article_file, name="file"),
    path("<public_lang:lang>/", views.home, name="home"),
    path("<public_lang:lang>/kategori/<slug:slug>/", views.category, name="category"),
    path("<public_lang:lang>/artikel/<int:article_id>-<slug:slug>/", views.article, name="article"),
    path(
        "<public_lang:lang>/artikel/<int:article_id>/membantu/",
        views.article_vote,
        name="article_vote",
    ),
    path("<public_lang:lang>/cari/", views.search_page, name="search"),
    path("<public_lang:lang>/cari/hasil/", views.search_results, name="search_results"),
    path("<public_lang:lang>/ulasan/", review_views.published, name="reviews"),
    # The customer portal: /help/portal/… and /help/<lang>/permintaan/.
    *portal_urls.urlpatterns,
]
