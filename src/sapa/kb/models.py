"""Categories → sections → articles. An article is one language; its translations share a
`translation_of` root (the original). Only `actions` write these rows."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

LANGUAGES = (("id", "Bahasa Indonesia"), ("en", "English"))


class Category(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120, blank=True)
    description = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    # A short name of one of the help center's icons ("box", "truck", "card", ...).
    icon = models.CharField(max_length=32, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("position", "id")
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def name_in(self, lang: str) -> str:
        return (self.name_en if lang == "en" else "") or self.name

    def description_in(self, lang: str) -> str:
        return (self.description_en if lang == "en" else "") or self.description


class Section(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="sections")
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("position", "id")
        constraints = [
            models.UniqueConstraint(fields=("category", "slug"), name="kb_section_slug_unique")
        ]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.name

    def name_in(self, lang: str) -> str:
        return (self.name_en if lang == "en" else "") or self.name


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Article(models.Model):
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    lang = models.CharField(max_length=8, choices=LANGUAGES, default="id")
    # The original this article translates; null for an original.
    translation_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="translations"
    )
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, allow_unicode=False)
    # The id of this article in the system it was imported from, if any.
    external_id = models.CharField(max_length=100, blank=True, db_index=True)
    body = models.TextField(help_text=_("Markdown"))
    # `body` rendered and sanitised; written by actions, never by hand.
    body_html = models.TextField(blank=True, editable=False)
    tags = models.JSONField(default=list, blank=True)
    # Questions this article answers, as customers would ask them; search uses them.
    examples = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    # Agents only: never in the help center, the portal or a public search.
    internal = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)
    helpful_yes = models.PositiveIntegerField(default=0)
    helpful_no = models.PositiveIntegerField(default=0)
    # textid terms of each field, space separated: what the full-text index holds.
    index_title = models.TextField(blank=True, editable=False)
    index_keywords = models.TextField(blank=True, editable=False)
    index_body = models.TextField(blank=True, editable=False)
    # The distinct words as written (normalised, unstemmed): what typos are corrected to.
    index_words = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ("position", "id")
        indexes = [
            models.Index(fields=("status", "internal", "lang"), name="kb_article_visible"),
            models.Index(fields=("-view_count",), name="kb_article_popular"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=("translation_of", "lang"),
                condition=models.Q(translation_of__isnull=False),
                name="kb_article_one_translation_per_lang",
            )
        ]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return self.title

    @property
    def root_id(self) -> int:
        """The id shared by an article and its translations (the original's)."""
        return self.translation_of_id or self.pk

    @property
    def is_public(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED and not self.internal


class ArticleVersion(models.Model):
    """What an article said after each save, and who saved it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    tags = models.JSONField(default=list)
    examples = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=ArticleStatus.choices)
    internal = models.BooleanField(default=False)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-number",)
        constraints = [
            models.UniqueConstraint(fields=("article", "number"), name="kb_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


class ArticleAttachment(models.Model):
    """A file or image an article links to (`![alt](url)` in the Markdown)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="kb/", max_length=300)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=255)
    size_bytes = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.filename


class ArticleEmbedding(models.Model):
    """One vector of an article for semantic search: the whole text, a paragraph, or one
    of its example questions. Float32, L2-normalised."""

    class Kind(models.TextChoices):
        PASSAGE = "passage"
        EXAMPLE = "example"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="embeddings")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    model = models.CharField(max_length=64)
    # sha256 of the embedded text: an unchanged text is not embedded again.
    text_hash = models.CharField(max_length=64)
    vector = models.BinaryField()

    class Meta:
        indexes = [models.Index(fields=("model", "article"), name="kb_embedding_model")]

    def __str__(self) -> str:
        return f"{self.article_id} {self.kind}"


class Feedback(models.Model):
    """ "Apakah artikel ini membantu?" — one vote, with an optional comment."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    helpful = models.BooleanField()
    comment = models.TextField(blank=True)
    # A hash of the visitor's session, so one visitor changes their vote instead of adding.
    visitor = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("article", "visitor"), name="kb_feedback_once")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {'+' if self.helpful else '-'}"


class EventKind(models.TextChoices):
    VIEW = "view", _("Article viewed")
    SEARCH = "search", _("Search")
    SUGGESTION_OPENED = "suggestion_opened", _("Suggested article opened")
    REQUEST_SUBMITTED = "request_submitted", _("Request submitted")


class Event(models.Model):
    """What the deflection report counts. `session` ties the events of one request form."""

    kind = models.CharField(max_length=24, choices=EventKind.choices)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    query = models.CharField(max_length=200, blank=True)
    # The analysed query (textid terms), so "ongkir medan" and "Ongkir  Medan?" count once.
    normalised = models.CharField(max_length=200, blank=True)
    lang = models.CharField(max_length=8, blank=True)
    results = models.PositiveIntegerField(default=0)
    answered = models.BooleanField(default=False)
    source = models.CharField(max_length=16, blank=True)
    session = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=("kind", "created_at"), name="kb_event_kind_time"),
            models.Index(fields=("session",), name="kb_event_session"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class IndexState(models.Model):
    """One row: bumped whenever what search sees changes, so every process knows when to
    reload its in-memory parts (the vectors, the vocabulary for typo tolerance)."""

    version = models.PositiveBigIntegerField(default=0)
    # A new random value with every change: a restored backup or a rolled-back
    # transaction can bring back an old `version` number, never an old stamp.
    stamp = models.CharField(max_length=32, default="")

    def __str__(self) -> str:
        return f"v{self.version}"
