"""The funnel report: customers per stage now, conversion between consecutive stages over a
period, time spent in each stage, repeat-purchase rate and revenue per buying customer, in
total and by the channel of first contact. Three aggregate queries over CustomerJourney,
whatever the number of customers (docs/journey.md defines every figure).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, FloatField, Func, Q, Sum
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sapa.channels.kinds import Channel
from sapa.core import clock
from sapa.core.exceptions import InvalidInput
from sapa.customers.models import LifecycleStage
from sapa.customers.stages import STAGE_ORDER
from sapa.journey.models import FIRST_CONTACT_IMPORT, CustomerJourney
from sapa.journey.summary import REPORT_CURRENCY

STEPS: tuple[tuple[str, str], ...] = tuple(pairwise(STAGE_ORDER))
FIRST_CONTACT_CHANNELS: tuple[str, ...] = (*Channel.values, FIRST_CONTACT_IMPORT)
# The longest period a report may span.
MAX_PERIOD_DAYS = 3660
DEFAULT_PERIOD_DAYS = 90
_OTHER_LABELS = {FIRST_CONTACT_IMPORT: gettext_lazy("Import")}


def channel_label(channel: str) -> str:
    """ "WhatsApp", "Import", or "All channels" for ""."""
    if not channel:
        return _("All channels")
    if channel in Channel.values:
        return str(Channel(channel).label)
    return str(_OTHER_LABELS.get(channel, channel))


class EpochSeconds(Func):
    """Seconds since 1970 of a datetime column, on PostgreSQL and SQLite."""

    # date_part() is double precision; EXTRACT() would be numeric, slower to add up.
    template = "date_part('epoch', %(expressions)s)"
    output_field = FloatField()

    def as_sqlite(
        self, compiler: SQLCompiler, connection: Any, **extra_context: Any
    ) -> tuple[str, Any]:
        # Django keeps SQLite datetimes as UTC text, which julianday() reads.
        return self.as_sql(
            compiler, connection, template="(julianday(%(expressions)s) * 86400.0)", **extra_context
        )


def _seconds_sql(since: str, until: str) -> str:
    """SQL for the seconds from column `since` to column `until`."""
    if connection.vendor == "postgresql":
        return f"date_part('epoch', {until} - {since})"
    return f"((julianday({until}) - julianday({since})) * 86400.0)"


@dataclass(frozen=True)
class Step:
    """Customers who reached `stage` in the period, and how many of them reached
    `next_stage` (by now); the time from one to the other of those who moved on."""

    stage: str
    next_stage: str
    entered: int
    converted: int
    timed: int
    average_seconds: int | None
    median_seconds: int | None

    @property
    def rate_percent(self) -> float | None:
        return round(100 * self.converted / self.entered, 1) if self.entered else None

    @property
    def stage_label(self) -> str:
        return str(LifecycleStage(self.stage).label)

    @property
    def next_stage_label(self) -> str:
        return str(LifecycleStage(self.next_stage).label)


@dataclass(frozen=True)
class StageCount:
    stage: str
    count: int

    @property
    def label(self) -> str:
        return str(LifecycleStage(self.stage).label)


@dataclass(frozen=True)
class ChannelFigures:
    channel: str  # "" for all channels together
    stage_counts: tuple[StageCount, ...]
    steps: tuple[Step, ...]
    buyers: int
    repeat_buyers: int
    revenue_minor: int

    @property
    def label(self) -> str:
        return channel_label(self.channel)

    @property
    def customers(self) -> int:
        return sum(row.count for row in self.stage_counts)

    @property
    def repeat_rate_percent(self) -> float | None:
        return round(100 * self.repeat_buyers / self.buyers, 1) if self.buyers else None

    @property
    def revenue_per_buyer_minor(self) -> int | None:
        return round(self.revenue_minor / self.buyers) if self.buyers else None


@dataclass(frozen=True)
class JourneyReport:
    start: date
    end: date  # inclusive
    channel: str | None
    currency: str
    total: ChannelFigures
    channels: tuple[ChannelFigures, ...]


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in the shop's time zone."""
    zone = ZoneInfo(settings.TIME_ZONE)
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def report_for(
    *, start: date | None = None, end: date | None = None, channel: str | None = None
) -> JourneyReport:
    """journey_report after checking what a person asked for: the period (default: the
    DEFAULT_PERIOD_DAYS days up to today) and the channel ("" or None: all). Raises
    InvalidInput (loc query.from, query.to, query.channel). The API and the console page
    both call this."""
    end = end or timezone.localdate(clock.now())
    start = start or end - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    if start > end:
        raise InvalidInput(_("The period starts after it ends."), loc=["query", "from"])
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise InvalidInput(
            _("A period is at most %(days)d days.") % {"days": MAX_PERIOD_DAYS},
            loc=["query", "to"],
        )
    channel = (channel or "").strip() or None
    if channel is not None and channel not in FIRST_CONTACT_CHANNELS:
        raise InvalidInput(
            _("Unknown channel; use one of: %(channels)s.")
            % {"channels": ", ".join(FIRST_CONTACT_CHANNELS)},
            loc=["query", "channel"],
        )
    return journey_report(start=start, end=end, channel=channel)


def journey_report(*, start: date, end: date, channel: str | None = None) -> JourneyReport:
    """The funnel for customers (not internal ones) whose first contact was on `channel`
    (None: every channel), for the period from `start` to `end`, both included, in the
    shop's time zone. Three queries. The caller validates the period and the channel."""
    low, high = period_bounds(start, end)
    rows = CustomerJourney.objects.filter(is_internal=False)
    if channel:
        rows = rows.filter(first_contact_channel=channel)
    counts = _stage_counts(rows)
    figures = _period_figures(rows, low, high)
    medians = _medians(low, high, channel)
    channels = sorted(set(counts) | set(figures), key=_channel_order)
    per_channel = tuple(
        _channel_figures(name, counts.get(name, {}), figures.get(name, {}), medians)
        for name in channels
    )
    total = _channel_figures("", _sum_counts(counts), _sum_figures(figures), medians)
    return JourneyReport(
        start=start,
        end=end,
        channel=channel,
        currency=REPORT_CURRENCY,
        total=total,
        channels=per_channel,
    )


def _channel_order(channel: str) -> tuple[int, str]:
    known = FIRST_CONTACT_CHANNELS
    return (known.index(channel) if channel in known else len(known), channel)


def _stage_counts(rows: Any) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for row in rows.values("first_contact_channel", "stage").annotate(n=Count("pk")).order_by():
        counts.setdefault(row["first_contact_channel"], {})[row["stage"]] = row["n"]
    return counts


def _in(column: str, low: datetime, high: datetime) -> Q:
    return Q(**{f"{column}__gte": low, f"{column}__lt": high})


def _period_figures(rows: Any, low: datetime, high: datetime) -> dict[str, dict[str, Any]]:
    aggregates: dict[str, Any] = {}
    for index, (stage, next_stage) in enumerate(STEPS):
        entered = _in(f"{stage}_at", low, high)
        moved_on = entered & Q(**{f"{next_stage}_at__gt": F(f"{stage}_at")})
        aggregates[f"entered_{index}"] = Count("pk", filter=entered)
        aggregates[f"converted_{index}"] = Count(
            "pk", filter=entered & Q(**{f"{next_stage}_at__isnull": False})
        )
        aggregates[f"timed_{index}"] = Count("pk", filter=moved_on)
        aggregates[f"seconds_{index}"] = Sum(
            EpochSeconds(f"{next_stage}_at") - EpochSeconds(f"{stage}_at"), filter=moved_on
        )
    buyers = _in("first_order_at", low, high)
    aggregates["buyers"] = Count("pk", filter=buyers)
    aggregates["repeat_buyers"] = Count("pk", filter=buyers & Q(orders_count__gte=2))
    aggregates["revenue_minor"] = Sum("revenue_minor", filter=buyers)
    grouped = rows.values("first_contact_channel").annotate(**aggregates).order_by()
    result = {}
    for row in grouped:
        channel = row.pop("first_contact_channel")
        if row["buyers"] or any(row[f"entered_{i}"] for i in range(len(STEPS))):
            result[channel] = row
    return result


def _medians(low: datetime, high: datetime, channel: str | None) -> dict[tuple[int, str], int]:
    """Median seconds per (step, channel), "" for all channels together: one query.
    PostgreSQL: percentile_cont over grouping sets; SQLite, which has neither: window
    functions (the middle row, or the mean of the middle two)."""
    table = connection.ops.quote_name(CustomerJourney._meta.db_table)
    branches: list[str] = []
    params: list[Any] = []
    for index, (stage, next_stage) in enumerate(STEPS):
        since, until = f"{stage}_at", f"{next_stage}_at"
        only_channel = "AND first_contact_channel = %s" if channel else ""
        # Names from the model and constants; values are bound.
        branches.append(
            f"SELECT {index} AS step, first_contact_channel AS channel, "  # noqa: S608
            f"{_seconds_sql(since, until)} AS seconds FROM {table} "
            f"WHERE is_internal = %s AND {since} >= %s AND {since} < %s "
            f"AND {until} > {since} {only_channel}"
        )
        params.extend([False, low, high, *([channel] if channel else [])])
    durations = " UNION ALL ".join(branches)
    if connection.vendor == "postgresql":
        sql = f"""
            WITH durations AS ({durations})
            SELECT step, CASE WHEN GROUPING(channel) = 1 THEN '' ELSE channel END,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds)
            FROM durations GROUP BY GROUPING SETS ((step, channel), (step))
        """  # noqa: S608 -- see above
    else:
        sql = f"""
            WITH durations AS ({durations}),
            grouped AS (
                SELECT step, channel, seconds FROM durations
                UNION ALL SELECT step, '' AS channel, seconds FROM durations
            ),
            ranked AS (
                SELECT step, channel, seconds,
                       ROW_NUMBER() OVER (PARTITION BY step, channel ORDER BY seconds) AS position,
                       COUNT(*) OVER (PARTITION BY step, channel) AS n
                FROM grouped
            )
            SELECT step, channel, AVG(seconds) FROM ranked
            WHERE position IN ((n + 1) / 2, (n + 2) / 2)
            GROUP BY step, channel
        """  # noqa: S608 -- see above
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # Whole seconds: SQLite's julianday() is a float a few microseconds off.
        return {(int(step), name): round(float(value)) for step, name, value in cursor.fetchall()}


def _sum_counts(counts: dict[str, dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for per_stage in counts.values():
        for stage, n in per_stage.items():
            total[stage] = total.get(stage, 0) + n
    return total


def _sum_figures(figures: dict[str, dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {}
    for row in figures.values():
        for key, value in row.items():
            total[key] = (total.get(key) or 0) + (value or 0)
    return total


def _channel_figures(
    channel: str,
    counts: dict[str, int],
    figures: dict[str, Any],
    medians: dict[tuple[int, str], int],
) -> ChannelFigures:
    steps = []
    for index, (stage, next_stage) in enumerate(STEPS):
        timed = int(figures.get(f"timed_{index}") or 0)
        seconds = figures.get(f"seconds_{index}")
        steps.append(
            Step(
                stage=stage,
                next_stage=next_stage,
                entered=int(figures.get(f"entered_{index}") or 0),
                converted=int(figures.get(f"converted_{index}") or 0),
                timed=timed,
                average_seconds=round(float(seconds) / timed)
                if timed and seconds is not None
                else None,
                median_seconds=medians.get((index, channel)),
            )
        )
    return ChannelFigures(
        channel=channel,
        stage_counts=tuple(StageCount(stage, counts.get(stage, 0)) for stage in STAGE_ORDER),
        steps=tuple(steps),
        buyers=int(figures.get("buyers") or 0),
        repeat_buyers=int(figures.get("repeat_buyers") or 0),
        revenue_minor=int(figures.get("revenue_minor") or 0),
    )
