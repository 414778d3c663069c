"""The survey report: per agent CSAT and CES, NPS overall, experience ratings; summed in
SQL (counts and sums, so SQLite and PostgreSQL give the same figures), divided here."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from sapa.accounts.models import Agent
from sapa.surveys.models import Experience, Rating, SurveyKind, SurveyResponse

SATISFIED_FROM = 4  # CSAT 4 and 5 count as satisfied
PROMOTER_FROM = 9  # NPS 9-10 promoters, 7-8 passives, 0-6 detractors
DETRACTOR_UP_TO = 6


def _average(total: int | None, count: int) -> float | None:
    return round((total or 0) / count, 2) if count else None


def _percent(part: int, count: int) -> float | None:
    return round(100 * part / count, 1) if count else None


@dataclass(frozen=True)
class ScoreFigures:
    """CSAT and CES of one agent (or of everyone: `agent` None)."""

    agent: Agent | None
    csat_count: int
    csat_total: int
    satisfied: int
    ces_count: int
    ces_total: int

    @property
    def csat_average(self) -> float | None:
        return _average(self.csat_total, self.csat_count)

    @property
    def satisfied_percent(self) -> float | None:
        return _percent(self.satisfied, self.csat_count)

    @property
    def ces_average(self) -> float | None:
        return _average(self.ces_total, self.ces_count)


@dataclass(frozen=True)
class NpsFigures:
    count: int
    promoters: int
    detractors: int

    @property
    def passives(self) -> int:
        return self.count - self.promoters - self.detractors

    @property
    def score(self) -> int | None:
        """% promoters - % detractors, -100..100, rounded; None without answers."""
        if not self.count:
            return None
        return round(100 * (self.promoters - self.detractors) / self.count)


@dataclass(frozen=True)
class SurveyReport:
    since: datetime
    until: datetime | None
    agents: list[ScoreFigures]
    everyone: ScoreFigures
    nps: NpsFigures
    experiences: dict[str, int]


_SCORE_SUMS: dict[str, Any] = {
    "csat_count": Count("pk", filter=Q(kind=SurveyKind.CSAT)),
    "csat_total": Sum("score", filter=Q(kind=SurveyKind.CSAT)),
    "satisfied": Count("pk", filter=Q(kind=SurveyKind.CSAT, score__gte=SATISFIED_FROM)),
    "ces_count": Count("pk", filter=Q(kind=SurveyKind.CES)),
    "ces_total": Sum("score", filter=Q(kind=SurveyKind.CES)),
}


def _figures(agent: Agent | None, row: dict[str, Any]) -> ScoreFigures:
    return ScoreFigures(
        agent=agent,
        csat_count=row["csat_count"],
        csat_total=row["csat_total"] or 0,
        satisfied=row["satisfied"],
        ces_count=row["ces_count"],
        ces_total=row["ces_total"] or 0,
    )


def survey_report(
    since: datetime, until: datetime | None = None, *, team_id: int | None = None
) -> SurveyReport:
    """Answers given in [since, until) (no `until`: up to now), per agent (the ticket's
    assignee when it was solved) and for everyone; `team_id` keeps the tickets of one team
    (NPS, about no ticket, is always everyone's). Five queries."""
    answered = SurveyResponse.objects.filter(answered_at__gte=since, score__isnull=False)
    experiences = Experience.objects.filter(computed_at__gte=since)
    if until is not None:
        answered = answered.filter(answered_at__lt=until)
        experiences = experiences.filter(computed_at__lt=until)
    scores: QuerySet[SurveyResponse] = answered.filter(kind__in=(SurveyKind.CSAT, SurveyKind.CES))
    if team_id is not None:
        scores = scores.filter(ticket__team_id=team_id)
        experiences = experiences.filter(ticket__team_id=team_id)
    rows: dict[int, dict[str, Any]] = {
        row["agent_id"]: dict(row)
        for row in scores.filter(agent__isnull=False).values("agent_id").annotate(**_SCORE_SUMS)
    }
    agents = Agent.objects.filter(pk__in=rows)
    per_agent = sorted(
        (_figures(agent, rows[agent.pk]) for agent in agents),
        key=lambda figures: figures.agent.display_name.lower() if figures.agent else "",
    )
    nps = answered.filter(kind=SurveyKind.NPS).aggregate(
        count=Count("pk"),
        promoters=Count("pk", filter=Q(score__gte=PROMOTER_FROM)),
        detractors=Count("pk", filter=Q(score__lte=DETRACTOR_UP_TO)),
    )
    ratings = dict(experiences.values_list("rating").annotate(count=Count("pk")))
    return SurveyReport(
        since=since,
        until=until,
        agents=per_agent,
        everyone=_figures(None, scores.aggregate(**_SCORE_SUMS)),
        nps=NpsFigures(
            count=nps["count"], promoters=nps["promoters"], detractors=nps["detractors"]
        ),
        experiences={rating.value: ratings.get(rating.value, 0) for rating in Rating},
    )
