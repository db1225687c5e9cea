"""Save to visible everywhere: a rep wins a deal through the write path while five
sessions are open (the executive's Overview, Pipeline & forecast, Pipeline review on the
window's wins and Activities & health on the health per rep, and the rep's My deals);
each reruns, as they do on their next
interaction, and must show the change.

Latency = the save (one transaction) + the slowest of the reruns (sessions rerun in
parallel, each on its own script thread).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench import pages
from bench.timing import Timing, elapsed_ms
from pipeline import db, deals, users

WON_AMOUNT = Decimal("10000.00")


@dataclass(frozen=True)
class SaveResult:
    save: Timing
    overview: Timing
    my_deals: Timing
    pipeline_forecast: Timing
    pipeline_review: Timing
    rep_health: Timing
    funnel: Timing
    reverse_funnel: Timing
    visible: Timing  # save + the slowest rerun, per save


def shown_number(at: AppTest, label: str) -> int:
    """A tile's figure as a whole number ("$1,234" -> 1234)."""
    text = next(m.value for m in at.metric if m.label == label)
    return int(text.replace("$", "").replace(",", ""))


def shown_won(at: AppTest, label: str) -> Decimal:
    """The exact won amount a tile's help gives ("Won $55,834,123.45 in ..."): the tile
    itself shows large amounts in millions."""
    help_text = next(m.proto.help for m in at.metric if m.label == label).replace("\\", "")
    found = re.search(r"Won \$([\d,]+\.\d\d)", help_text)
    if found is None:
        raise RuntimeError(f"no won amount in the help of {label!r}: {help_text!r}")
    return Decimal(found[1].replace(",", ""))


def shown_closed(at: AppTest) -> Decimal:
    """Pipeline & forecast's Closed roll-up, from its table."""
    rollups = next(f.value for f in at.dataframe if "Roll-up" in f.value.columns)
    return Decimal(str(rollups.set_index("Roll-up").loc["Closed", "Amount"])).quantize(
        Decimal("0.01")
    )


def shown_wins(at: AppTest) -> int:
    """Pipeline review's count of deals won in the window ("**Top 5 won** (12 in ...")."""
    text = next(m.value for m in at.markdown if m.value.startswith("**Top 5 won**"))
    return int(re.search(r"\(([\d,]+) in the window\)", text)[1].replace(",", ""))


def shown_open_deals_of(rep_name: str):
    """Activities & health's count of a rep's open deals, from the health table."""

    def shown(at: AppTest) -> int:
        health = next(f.value for f in at.dataframe if "Score" in f.value.columns)
        return int(health.set_index("Rep").loc[rep_name, "Open deals"])

    return shown


def shown_period_wins(at: AppTest) -> int:
    """Funnel & conversion's count of deals won in the period ("In the period: 12 won")."""
    text = next(c.value for c in at.caption if c.value.startswith("In the period:"))
    return int(re.search(r"In the period: ([\d,]+) won", text)[1].replace(",", ""))


def shown_won_so_far(at: AppTest) -> Decimal:
    """Planning's reverse funnel: the quarter's won so far."""
    text = next(m.value for m in at.metric if m.label == "Won so far")
    return Decimal(text.replace("$", "").replace(",", ""))


def win(con, rep: users.User, deal: dict) -> None:
    changes = {"stage_id": deal["won_stage_id"], "amount": str(WON_AMOUNT)}
    deals.save(con, rep, deal["id"], deal["version"], changes)


def opened(case: pages.PageCase) -> AppTest:
    """A session on the case's page, past its first run."""
    return pages.checked_run(pages.checked_run(pages.open_page(case)))


def save_to_visible(path: Path | str, runs: int, writer: str | None = None) -> SaveResult:
    """``writer``: where the saves are made from, when not this process's own connection
    to ``path`` (another replica's: the same database reached through a DuckDB instance
    of its own)."""
    os.environ[db.ENV_VAR] = str(path)
    pages.forget_everything()
    con = db.connect(writer or path)
    try:
        cases = pages.cases(con)
        rep = users.get(con, cases["my_deals"].user_id)
        review_wins = replace(cases["pipeline_review"], tab=("review_section", "Won, lost & new"))
        sessions = {
            "overview": opened(cases["overview"]),
            "my_deals": opened(cases["my_deals"]),
            "pipeline_forecast": opened(cases["pipeline_forecast"]),
            "pipeline_review": opened(review_wins),
            "rep_health": opened(cases["rep_health"]),
            "funnel": opened(cases["funnel_conversion"]),
            "reverse_funnel": opened(cases["reverse_funnel"]),
        }
        shown = {
            "overview": lambda at: shown_won(at, "Week to date · won"),
            "my_deals": lambda at: shown_number(at, "Open deals"),
            "pipeline_forecast": shown_closed,
            "pipeline_review": shown_wins,
            "rep_health": shown_open_deals_of(rep.name),
            "funnel": shown_period_wins,
            "reverse_funnel": shown_won_so_far,
        }
        expected_change = {"overview": WON_AMOUNT, "my_deals": -1, "pipeline_forecast": WON_AMOUNT,
                           "pipeline_review": 1, "rep_health": -1, "funnel": 1,
                           "reverse_funnel": WON_AMOUNT}  # fmt: skip
        open_deals = db.dict_rows(
            con,
            """
            SELECT deal.id, deal.version, won.id AS won_stage_id
            FROM deals AS deal
            JOIN stages AS stage ON stage.id = deal.stage_id
            JOIN stages AS won ON won.pipeline = stage.pipeline AND won.is_won
            WHERE deal.owner_id = $owner AND deal.status = 'open'
            ORDER BY deal.id LIMIT $runs
            """,
            {"owner": rep.id, "runs": runs},
        )
        samples = {name: [] for name in ("save", *sessions, "visible")}
        for deal in open_deals:
            before = {name: shown[name](at) for name, at in sessions.items()}
            save_ms = elapsed_ms(lambda deal=deal: win(con, rep, deal))
            samples["save"].append(save_ms)
            for name, at in sessions.items():
                samples[name].append(elapsed_ms(lambda at=at: pages.checked_run(at)))
                if shown[name](at) != before[name] + expected_change[name]:
                    raise RuntimeError(f"{name} does not show deal {deal['id']} won")
            samples["visible"].append(save_ms + max(samples[n][-1] for n in sessions))
    finally:
        con.close()
        pages.forget_everything()
    return SaveResult(**{name: Timing(tuple(values)) for name, values in samples.items()})
