"""Forms of the knowledge-base pages: they parse and validate; `sapa.kb.actions` writes."""

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sapa.kb.actions import ArticleDraft
from sapa.kb.models import Article, ArticleStatus, Category, Section
from sapa.kb.queries import ArticleFilters, list_originals, sections_by_category
from sapa.kb.reports import PERIOD_DAYS

MAX_BODY_CHARS = 100_000


def _language_choices() -> list[tuple[str, Any]]:
    return [("id", _("Indonesian")), ("en", _("English"))]


def _split_tags(text: str) -> list[str]:
    return [tag.strip() for tag in text.split(",") if tag.strip()]


def _split_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class ArticleFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *ArticleStatus.choices],
        required=False,
    )
    lang = forms.ChoiceField(
        label=_("Language"),
        choices=lambda: [("", _("Any language")), *_language_choices()],
        required=False,
    )
    category = forms.ModelChoiceField(
        Category.objects.order_by("position", "pk"),
        label=_("Category"),
        required=False,
        empty_label=_("Any category"),
    )
    internal = forms.ChoiceField(
        label=_("Audience"),
        choices=[("", _("Everyone")), ("no", _("Public")), ("yes", _("Internal only"))],
        required=False,
    )

    def filters(self) -> ArticleFilters:
        if not self.is_valid():
            return ArticleFilters()
        data = self.cleaned_data
        internal = {"yes": True, "no": False}.get(data["internal"])
        category = data["category"]
        return ArticleFilters(
            status=data["status"],
            lang=data["lang"],
            category_id=category.pk if category else None,
            internal=internal,
            query=data["q"].strip(),
        )


class ArticleForm(forms.Form):
    """An article as an editor writes it; `draft(status)` is what `save_article` takes."""

    section = forms.TypedChoiceField(label=_("Section"), coerce=int)
    lang = forms.ChoiceField(label=_("Language"), choices=_language_choices)
    translation_of = forms.TypedChoiceField(
        label=_("Translation of"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Leave empty for an original article."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 18, "class": "kb-body"}),
        max_length=MAX_BODY_CHARS,
        strip=False,
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=1000,
        help_text=_("Separated by commas."),
    )
    examples = forms.CharField(
        label=_("Example questions"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Questions customers ask that this article answers, one per line — search uses them."
        ),
    )
    internal = forms.BooleanField(
        label=_("Internal: only agents see it (never the help center)"), required=False
    )
    note = forms.CharField(
        label=_("Version note"),
        required=False,
        max_length=200,
        help_text=_("What changed, for the version history."),
    )

    def __init__(self, *args: Any, article: Article | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups = sections_by_category()
        self.sections = {section.pk: section for _c, rows in groups for section in rows}
        section = self.fields["section"]
        assert isinstance(section, forms.ChoiceField)
        section.choices = [
            (category.name, [(row.pk, row.name) for row in rows]) for category, rows in groups
        ]
        originals = list(list_originals(exclude=article))
        self.originals = {original.pk: original for original in originals}
        translation_of = self.fields["translation_of"]
        assert isinstance(translation_of, forms.ChoiceField)
        translation_of.choices = [
            ("", _("None (original)")),
            *((row.pk, f"{row.title} ({row.lang})") for row in originals),
        ]

    @classmethod
    def for_article(cls, article: Article) -> "ArticleForm":
        return cls(
            article=article,
            initial={
                "section": article.section_id,
                "lang": article.lang,
                "translation_of": article.translation_of_id,
                "title": article.title,
                "body": article.body,
                "tags": ", ".join(article.tags),
                "examples": "\n".join(article.examples),
                "internal": article.internal,
            },
        )

    def draft(self, *, status: str, position: int = 0) -> ArticleDraft:
        data = self.cleaned_data
        original = data["translation_of"]
        return ArticleDraft(
            section=self.sections[data["section"]],
            title=data["title"],
            body=data["body"],
            lang=data["lang"],
            tags=_split_tags(data["tags"]),
            examples=_split_lines(data["examples"]),
            internal=data["internal"],
            status=status,
            translation_of=self.originals[original] if original is not None else None,
            position=position,
            note=data["note"],
        )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name (Indonesian)"), max_length=120)
    name_en = forms.CharField(label=_("Name (English)"), max_length=120, required=False)
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=10_000, initial=0)

    @classmethod
    def for_category(cls, category: Category) -> "CategoryForm":
        return cls(
            initial={
                "name": category.name,
                "name_en": category.name_en,
                "position": category.position,
            }
        )


class SectionForm(forms.Form):
    name = forms.CharField(label=_("Name (Indonesian)"), max_length=120)
    name_en = forms.CharField(label=_("Name (English)"), max_length=120, required=False)
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=10_000, initial=0)
    category = forms.ModelChoiceField(
        Category.objects.order_by("position", "pk"), label=_("Category"), required=False
    )

    @classmethod
    def for_section(cls, section: Section) -> "SectionForm":
        return cls(
            initial={
                "name": section.name,
                "name_en": section.name_en,
                "position": section.position,
                "category": section.category_id,
            }
        )


def _period_choices() -> list[tuple[int, str]]:
    return [(days, gettext("Last %(days)s days") % {"days": days}) for days in PERIOD_DAYS]


class ReportForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Period"),
        coerce=int,
        choices=_period_choices,
        required=False,
    )

    def period_days(self) -> int:
        if self.is_valid() and self.cleaned_data["days"]:
            return int(self.cleaned_data["days"])
        return 30
