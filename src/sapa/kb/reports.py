"""The help-center deflection report: what visitors read and searched, what they could not
find, and how many request-form sessions ended in an article instead of a ticket.

Every figure is one aggregate query over `Event` (or `Feedback`) rows of the period.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from sapa.core import clock
from sapa.kb.models import Event, EventKind, Feedback

PERIOD_DAYS = (7, 30, 90)
TOP_UNANSWERED = 20
TOP_ARTICLES = 10


@dataclass(frozen=True)
class UnansweredQuery:
    """Searches that found no answer, grouped by their analysed terms."""

    normalised: str
    count: int
    example: str
    last_at: datetime


@dataclass(frozen=True)
class ArticleFigure:
    article_id: int
    title: str
    lang: str
    count: int


@dataclass(frozen=True)
class ArticleVotes:
    article_id: int
    title: str
    lang: str
    yes: int
    no: int

    @property
    def helpful_percent(self) -> int:
        return round(100 * self.yes / (self.yes + self.no)) if self.yes + self.no else 0


@dataclass(frozen=True)
class Deflection:
    """Request-form sessions (the events sharing a `session`) of the period."""

    with_suggestions: int  # a search on the form showed at least one article
    opened: int  # a suggested article was opened
    deflected: int  # an article was opened and no request was submitted
    submitted: int  # a request was submitted
    submitted_after_suggestions: int  # submitted although suggestions had been shown

    @property
    def rate_percent(self) -> int | None:
        """Deflected sessions among those that ended in an article or in a request after
        suggestions; None when there were none."""
        total = self.deflected + self.submitted_after_suggestions
        return round(100 * self.deflected / total) if total else None


@dataclass(frozen=True)
class DeflectionReport:
    days: int
    since: datetime
    views: int
    searches: int
    unanswered_searches: int
    top_unanswered: list[UnansweredQuery]
    most_viewed: list[ArticleFigure]
    most_helpful: list[ArticleVotes]
    least_helpful: list[ArticleVotes]
    deflection: Deflection


def deflection_report(*, days: int) -> DeflectionReport:
    """The report for the last `days` days."""
    since = clock.now() - timedelta(days=days)
    events = Event.objects.filter(created_at__gte=since)
    unanswered = Q(kind=EventKind.SEARCH) & (Q(answered=False) | Q(results=0))
    totals = events.aggregate(
        views=Count("pk", filter=Q(kind=EventKind.VIEW)),
        searches=Count("pk", filter=Q(kind=EventKind.SEARCH)),
        unanswered=Count("pk", filter=unanswered),
    )
    return DeflectionReport(
        days=days,
        since=since,
        views=totals["views"],
        searches=totals["searches"],
        unanswered_searches=totals["unanswered"],
        top_unanswered=_top_unanswered(events.filter(unanswered)),
        most_viewed=_most_viewed(events),
        most_helpful=_votes(since, order=("-yes", "no", "article_id")),
        least_helpful=_votes(since, order=("-no", "yes", "article_id")),
        deflection=_deflection(events),
    )


def _top_unanswered(searches: QuerySet[Event]) -> list[UnansweredQuery]:
    rows = (
        searches.exclude(normalised="")
        .values("normalised")
        .annotate(count=Count("pk"), example=Max("query"), last_at=Max("created_at"))
        .order_by("-count", "-last_at", "normalised")[:TOP_UNANSWERED]
    )
    return [UnansweredQuery(**row) for row in rows]


def _most_viewed(events: QuerySet[Event]) -> list[ArticleFigure]:
    rows = (
        events.filter(kind=EventKind.VIEW, article__isnull=False)
        .values("article_id", "article__title", "article__lang")
        .annotate(count=Count("pk"))
        .order_by("-count", "article_id")[:TOP_ARTICLES]
    )
    return [
        ArticleFigure(
            article_id=row["article_id"],
            title=row["article__title"],
            lang=row["article__lang"],
            count=row["count"],
        )
        for row in rows
    ]


def _votes(since: datetime, *, order: tuple[str, ...]) -> list[ArticleVotes]:
    """Votes cast in the period per article, the first `TOP_ARTICLES` by `order`; an article
    only appears in a list for the kind of vote it leads with (yes first, or no first)."""
    leading = order[0].lstrip("-")
    rows = (
        Feedback.objects.filter(created_at__gte=since)
        .values("article_id", "article__title", "article__lang")
        .annotate(yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False)))
        .filter(**{f"{leading}__gt": 0})
        .order_by(*order)[:TOP_ARTICLES]
    )
    return [
        ArticleVotes(
            article_id=row["article_id"],
            title=row["article__title"],
            lang=row["article__lang"],
            yes=row["yes"],
            no=row["no"],
        )
        for row in rows
    ]


def _deflection(events: QuerySet[Event]) -> Deflection:
    session_events = Event.objects.filter(session=OuterRef("session"))
    submitted_in_session = session_events.filter(kind=EventKind.REQUEST_SUBMITTED)
    shown_in_session = session_events.filter(kind=EventKind.SEARCH, results__gt=0)
    opened = Q(kind=EventKind.SUGGESTION_OPENED)
    submitted = Q(kind=EventKind.REQUEST_SUBMITTED)
    figures = (
        events.exclude(session="")
        .annotate(
            was_submitted=Exists(submitted_in_session),
            was_shown=Exists(shown_in_session),
        )
        .aggregate(
            with_suggestions=Count(
                "session", distinct=True, filter=Q(kind=EventKind.SEARCH, results__gt=0)
            ),
            opened=Count("session", distinct=True, filter=opened),
            deflected=Count("session", distinct=True, filter=opened & Q(was_submitted=False)),
            submitted=Count("session", distinct=True, filter=submitted),
            submitted_after_suggestions=Count(
                "session", distinct=True, filter=submitted & Q(was_shown=True)
            ),
        )
    )
    return Deflection(**figures)
