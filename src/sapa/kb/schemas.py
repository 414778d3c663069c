from datetime import datetime

from ninja import Field, Schema


class SearchHitOut(Schema):
    id: int
    # The id shared with the article's translations (the original's id).
    group: int
    lang: str
    title: str
    url: str
    score: float
    title_html: str = Field(description="The title, escaped, with matched words in <mark>.")
    snippet_html: str = Field(description="The best-matching line, escaped, words in <mark>.")
    category: str
    section: str
    internal: bool


class SearchOut(Schema):
    query: str
    lang: str
    answered: bool = Field(description="Whether the first result is a confident answer.")
    confidence: float = Field(
        description="How sure the first result is; `answered` is confidence >= 0. Callers "
        "that want fewer wrong answers (a bot answering on its own) can ask for more."
    )
    corrected: str | None = Field(description="The searched terms after typo correction.")
    semantic: bool = Field(description="Whether semantic (embedding) ranking took part.")
    results: list[SearchHitOut]


class ArticleIn(Schema):
    section: int
    title: str = Field(max_length=200)
    body: str = Field(max_length=100_000)
    lang: str = "id"
    tags: list[str] = []
    examples: list[str] = []
    internal: bool = False
    status: str = "draft"
    translation_of: int | None = None
    position: int = 0
    note: str = ""


class ArticleOut(Schema):
    id: int
    group: int
    section: int
    lang: str
    translation_of: int | None
    title: str
    slug: str
    url: str
    body: str
    body_html: str
    tags: list[str]
    examples: list[str]
    status: str
    internal: bool
    updated_at: datetime
    published_at: datetime | None
    view_count: int
    helpful_yes: int
    helpful_no: int
