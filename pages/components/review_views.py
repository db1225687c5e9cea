"""Pipeline review's reading sections: what changed (the waterfall and the deals behind
each bar), the top deals, the hygiene lists and pile-ups, and the window's wins, losses,
new deals and customers lost."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.components import charts, data, export, tables
from pages.components.explain import how_computed
from pages.components.format import SYMBOLS, markdown_text, money
from pipeline.figures import hygiene, review

SHOWN_DEALS = 1_000  # rows drawn for a bar; the download has every one
EVERY = "every changed deal"
FLAG_NAMES = {"stale": "stale", "overdue": "overdue", "no_next_step": "no next step",
              "next_step_late": "next step late", "stuck": "stuck",
              "pushed_in_window": "pushed in window"}  # fmt: skip


def flags_of(frame: pd.DataFrame) -> list[str]:
    present = [flag for flag in FLAG_NAMES if flag in frame]
    return [" · ".join(FLAG_NAMES[f] for f in present if row[f])
            for row in frame[present].to_dict("records")]  # fmt: skip


def what_changed(scope: dict, window: dict, currency: str) -> review.Waterfall:
    found = data.run(review.waterfall, **window, **scope)
    symbol = SYMBOLS.get(currency, "")
    st.plotly_chart(
        data.derived(review.waterfall, waterfall_chart, symbol, **window, **scope),
        key="review_waterfall",
    )
    rows = [("Start", found.start), *[(k.capitalize(), v) for k, v in found.bars.items()],
            ("End", found.end)]  # fmt: skip
    st.caption(
        " · ".join(
            f"{name} {markdown_text(money(v, currency, signed=name not in ('Start', 'End')))}"
            for name, v in rows
        )  # fmt: skip
        + f" · {found.changed:,} deals changed, {found.unchanged:,} unchanged in the window"
    )
    counts = {EVERY: found.changed, **found.deals, "stage moved back": None}
    behind = st.selectbox(
        "Show the deals behind", [None, *counts],
        format_func=lambda b: "—" if b is None else b.capitalize()
        + ("" if counts[b] is None else f" ({counts[b]:,} deals)"),
        key="waterfall_bar",
    )  # fmt: skip
    if behind is not None:
        category = None if behind == EVERY else behind
        table = data.derived(review.changed_deals, before_after, category=category, **window,
                             **scope)  # fmt: skip
        if len(table) > SHOWN_DEALS:
            st.caption(f"The {SHOWN_DEALS:,} largest of {len(table):,} changes; the downloads "
                       "hold them all.")  # fmt: skip
        st.dataframe(
            table.head(SHOWN_DEALS), hide_index=True, key="waterfall_deals",
            column_config={"Deal": st.column_config.TextColumn(width="large")},
        )  # fmt: skip
        export.downloads(table, "pipeline-changes", "changes")
    how_computed("waterfall", review.waterfall, review.changed_deals)
    return found


def waterfall_chart(found: review.Waterfall, symbol: str):
    return charts.waterfall(found.start, found.bars, found.end, symbol)


def before_after(deals: pd.DataFrame) -> pd.DataFrame:
    """The deals behind a bar, before -> after: stage, amount, close date, owner."""

    def column(before: str, after: str, amount: bool = False) -> list[str]:
        return [
            pair(shown(b, amount), shown(a, amount))
            for b, a in zip(deals[before], deals[after], strict=True)
        ]

    return pd.DataFrame(
        {
            "Deal": deals["name"],
            "Change": [float(c) for c in deals["change"]],
            "Bar": deals["category"].fillna("—"),
            "Stage": column("stage_name_before", "stage_name_after"),
            "Amount": column("amount_before", "amount_after", amount=True),
            "Close date": column("close_before", "close_after"),
            "Owner": column("owner_name_before", "owner_name_after"),
        }
    )


def shown(value, amount: bool) -> str:
    if value is None or pd.isna(value):
        return "—"
    return f"{value:,.2f}" if amount else str(value)


def pair(before: str, after: str) -> str:
    return before if before == after else f"{before} → {after}"


def top_deals(scope: dict, window: dict, currency: str) -> pd.DataFrame:
    by_weighted = st.toggle("By weighted value", key="top_by_weighted")
    medians = data.run_daily(hygiene.stage_time_medians)
    found = data.run(review.top_deals, window_start=window["window_start"], now=data.now(),
                     medians=medians, by_weighted=by_weighted, **scope)  # fmt: skip
    if found.empty:
        st.info("No open deals in this scope.")
        return found
    shown = pd.DataFrame({
        "Deal": found["name"], "Owner": found["owner"], "Stage": found["stage"],
        "Amount": found["amount"].astype(float), "Weighted": found["weighted"].astype(float),
        "Close date": found["close_date"], "Flags": flags_of(found),
        "Next step": found["next_step"].fillna(""),
        "Due": ["" if pd.isna(d) else f"{d:%Y-%m-%d}" for d in found["next_step_due"]],
        "Days in stage": found["days_in_stage"], "Pushes": found["push_count"],
        "Last activity": ["" if pd.isna(a) else f"{a:%Y-%m-%d}" for a in found["last_activity_at"]],
        "Obstacle": found["obstacle"].fillna(""),
    })  # fmt: skip
    st.dataframe(
        shown, hide_index=True, key="top_deals", height=35 * (len(shown) + 1) + 3,
        column_config={
            "Deal": st.column_config.TextColumn(width="medium", pinned=True),
            "Owner": st.column_config.TextColumn(width="small"),
            "Flags": st.column_config.TextColumn(width="medium"),
            **{c: st.column_config.NumberColumn(c, format=tables.money_format(currency))
               for c in ("Amount", "Weighted")},
        },
    )  # fmt: skip
    export.downloads(shown, "top-deals", "top_deals")
    how_computed("top", review.top_deals)
    return found


def hygiene_lists(scope: dict) -> None:
    medians = data.run_daily(hygiene.stage_time_medians)
    found = data.run(review.flagged, now=data.now(), medians=medians, **scope)
    if found.empty:
        st.success("No open deal here fails a hygiene rule.")
    else:
        totals = found.iloc[0]
        for flag, title in (("stuck", "Stuck in their stage"), ("stale", "Stale"),
                            ("overdue", "Close date passed"), ("no_next_step", "No next step"),
                            ("next_step_late", "Next step overdue"),
                            ("missing_amount", "Missing amount")):  # fmt: skip
            rows = found[found[flag]]
            with st.expander(f"{title}: {int(totals[f'total_{flag}']):,}",
                             expanded=flag == "stuck"):  # fmt: skip
                st.dataframe(
                    rows[["name", "owner", "stage", "weighted", "close_date",
                          "days_in_stage", "next_step"]].astype({"weighted": float}),
                    hide_index=True, key=f"hygiene_{flag}",
                    column_config={"name": "Deal", "owner": "Owner", "stage": "Stage",
                                   "weighted": "Weighted", "close_date": "Close date",
                                   "days_in_stage": "Days in stage", "next_step": "Next step"},
                )  # fmt: skip
    piles = data.run(review.pile_ups, **scope)
    piled = piles[piles["pile_up"]]
    if len(piled):
        st.warning("Piling up: " + ", ".join(
            f"{markdown_text(r.stage)} ({r.deal_share:.0%} of deals, "
            f"{0 if pd.isna(r.value_share) else r.value_share:.0%} of value)"
            for r in piled.itertuples()))  # fmt: skip
    else:
        st.caption("No stage holds more than a third of the open deals or their value.")
    how_computed("hygiene", review.flagged, review.pile_ups)


def closed_and_new(scope: dict, window: dict, currency: str) -> None:
    found = data.run(review.closed_in_window, window_start=window["window_start"],
                     window_end=window["window_end"], **scope)  # fmt: skip
    columns = {"name": "Deal", "owner": "Owner", "stage": "Stage", "account": "Account",
               "lost_reason": "Lost reason"}  # fmt: skip
    for kind, title, extra in (("won", "Top 5 won", []), ("lost", "Top 5 lost", ["lost_reason"]),
                               ("new", "New deals", ["stage"])):  # fmt: skip
        rows = found[kind]
        total = int(rows["in_window"].iloc[0]) if len(rows) else 0
        st.markdown(f"**{title}** ({total:,} in the window)")
        if rows.empty:
            st.caption("None.")
            continue
        shown = rows.head(5 if kind != "new" else 20)
        st.dataframe(
            shown[["name", "owner", *extra, "amount", "account"]].assign(
                amount=shown["amount"].astype(float),
                account=shown["account"].fillna(""),
                **({"lost_reason": shown["lost_reason"].fillna("(no reason)")}
                   if kind == "lost" else {})),
            hide_index=True, key=f"window_{kind}",
            column_config={**columns, "amount": st.column_config.NumberColumn(
                "Amount", format=tables.money_format(currency))},
        )  # fmt: skip
    lost_customers = found["customers_lost"]
    st.markdown(f"**Customers lost** ({len(lost_customers):,})")
    if lost_customers.empty:
        st.caption("No account was left without an open or recently won deal by a loss.")
    else:
        st.dataframe(
            lost_customers[["name", "lost_amount"]].astype({"lost_amount": float}),
            hide_index=True,
            key="customers_lost",
            column_config={"name": "Account", "lost_amount": "Lost in the window"},
        )
    how_computed("closed", review.closed_in_window)
