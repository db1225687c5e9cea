"""Every figure declares exactly the SQL files it runs: "How is this computed?" shows the
declaration, so a figure that ran a query it does not name (or named one it no longer
runs) would explain itself wrongly. Each figure is run on the tiny fixture with nothing
cached, noting every query it runs."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import date, datetime

import pytest

from pipeline import figures, periods, plan_cache, query
from pipeline.figures import (
    DEFINITIONS,
    accuracy,
    activity,
    attainment,
    calls,
    forecast,
    funnel,
    hygiene,
    pipeline_view,
    planning,
    review,
    statistical,
)
from tests.conftest import AS_OF

NOW = datetime(2026, 11, 18, 10, 0)
QUARTER = date(2026, 10, 1)
WEEK_AGO = datetime(2026, 11, 11, 10, 0)
SPAN = periods.period("QTD", AS_OF)
CUT = funnel.Cut()


def every_figure() -> set:
    found = set()
    for module in pkgutil.iter_modules(figures.__path__):
        loaded = importlib.import_module(f"pipeline.figures.{module.name}")
        found |= {value for value in vars(loaded).values() if figures.is_figure(value)}
    return found


def arguments_of(con) -> dict:
    """Every figure with the arguments a page calls it with (the app reads the context
    of figures once per data version and passes it in)."""
    medians = hygiene.stage_time_medians(con)
    context = query.context(con, AS_OF)
    scoped = {"as_of": AS_OF, "team_id": 1, "owner_id": None, "ctx": context}
    return {
        attainment.by_period: scoped,
        attainment.by_team: {**scoped, "period_kind": "QTD"},
        attainment.by_rep: {**scoped, "period_kind": "WTD"},
        attainment.won_by_month: scoped,
        forecast.for_quarter: scoped,
        hygiene.stage_time_medians: {},
        pipeline_view.by_stage: {**scoped, "quarter_start": QUARTER},
        pipeline_view.by_close_month: {**scoped, "quarter_start": QUARTER},
        pipeline_view.by_rep: {**scoped, "quarter_start": QUARTER},
        pipeline_view.deals_behind: {**scoped, "quarter_start": QUARTER, "stage_id": 6},
        pipeline_view.coverage_by_team: {**scoped, "quarter_start": QUARTER},
        pipeline_view.coverage_by_rep: {**scoped, "quarter_start": QUARTER},
        calls.by_rep: {**scoped, "quarter_start": QUARTER},
        calls.by_team: {**scoped, "quarter_start": QUARTER},
        calls.weekly_trend: {**scoped, "quarter_start": QUARTER},
        statistical.forecast: {**scoped, "quarter_start": QUARTER, "runs": 100},
        accuracy.by_method: scoped,
        review.waterfall: {
            "window_start": WEEK_AGO,
            "window_end": NOW,
            "quarter_start": QUARTER,
            "team_id": 1,
        },
        review.changed_deals: {
            "window_start": WEEK_AGO,
            "window_end": NOW,
            "quarter_start": QUARTER,
            "category": "won",
        },
        review.top_deals: {"window_start": WEEK_AGO, "now": NOW, "medians": medians, "team_id": 1},
        review.flagged: {"now": NOW, "medians": medians, "team_id": 1},
        review.pile_ups: {"team_id": 1},
        review.closed_in_window: {"window_start": WEEK_AGO, "window_end": NOW, "team_id": 1},
        review.changes_of_deal: {"deal_id": 7, "window_start": WEEK_AGO, "window_end": NOW},
        activity.activity: {"span": SPAN, "team_id": 1},
        activity.trend: {"as_of": AS_OF, "fiscal_start": 1, "team_id": 1},
        activity.first_response: {"span": SPAN, "team_id": 1},
        activity.touches: {"span": SPAN, "now": NOW, "team_id": 1},
        activity.generated: {"span": SPAN, "fiscal_start": 1, "team_id": 1},
        activity.rep_health: {
            "span": SPAN,
            "now": NOW,
            "medians": medians,
            "as_of": AS_OF,
            "ctx": context,
            "quarter_start": QUARTER,
            "team_id": 1,
        },
        activity.dead_deals: {"now": NOW, "overdue_days": 10, "team_id": 1},
        funnel.pipelines: {},
        funnel.cut_choices: {},
        funnel.snapshot: {"as_of": AS_OF, "pipeline": "default", "cut": CUT, "ctx": context},
        funnel.cohort_any_stage: {"span": SPAN, "pipeline": "default", "cut": CUT, "team_id": 1},
        funnel.cohort_strict: {"span": SPAN, "pipeline": "default", "cut": CUT},
        funnel.cohort_deals: {
            "span": SPAN,
            "pipeline": "default",
            "cut": CUT,
            "step": 2,
            "mode": "strict",
        },
        funnel.stage_stays: {"pipeline": "default", "team_id": 1},
        funnel.stuck_by_stage: {"pipeline": "default", "now": NOW, "medians": medians},
        funnel.rates: {"span": SPAN, "cut": CUT, "team_id": 1},
        funnel.open_deal_ages: {"now": NOW, "cut": CUT},
        funnel.loss_reasons: {"span": SPAN, "cut": CUT},
        funnel.lost_deals: {"span": SPAN, "cut": CUT, "reason": "(no reason)"},
        funnel.qualified_against_not: {
            "span": SPAN,
            "pipeline": "default",
            "cut": CUT,
            "framework": "BANT",
            "team_id": 1,
        },
        funnel.margins: {"span": SPAN, "cut": CUT},
        planning.reverse_funnel: {**scoped, "quarter_start": QUARTER, "pipeline": "default"},
        planning.plan_basis: {
            "as_of": AS_OF,
            "year_start": date(2027, 1, 1),
            "fiscal_start": 1,
            "team_id": 1,
        },
        hygiene.open_deals: {
            "owner_id": None,
            "team_id": None,
            "search": None,
            "now": NOW,
            "medians": medians,
        },  # fmt: skip
    }


def test_every_figure_is_covered_here(tiny):
    assert set(arguments_of(tiny)) == every_figure()


@pytest.mark.parametrize(
    "figure",
    sorted(every_figure(), key=lambda f: (f.__module__, f.__name__)),
    ids=lambda f: f"{f.__module__.rsplit('.', 1)[-1]}.{f.__name__}",
)
def test_a_figure_runs_exactly_the_queries_it_declares(tiny, figure):
    arguments = arguments_of(tiny)[figure]
    plan_cache.clear()  # quota results would otherwise come from the cache, unrun
    with query.recording() as ran:
        figure(tiny, **arguments)
    assert sorted(set(ran)) == sorted(figure.sql_files)
    assert set(figure.definitions) <= set(DEFINITIONS)
    for name in figure.sql_files:
        assert query.sql_text(name)  # the file exists


def test_staging_macros_used_are_found_through_each_other():
    # won_by_period calls won_as_of and in_scope; in_scope calls owners_in_scope, which
    # reads team_ancestry.
    used = query.macros_used(query.sql_text("attainment/won_by_period"))
    assert used == ["won_as_of", "in_scope", "owners_in_scope", "team_ancestry"]
