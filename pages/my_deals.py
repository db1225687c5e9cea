"""My deals: a rep's open deals by weighted value with hygiene flags; open one to update
it, log an activity or read its history; and the weekly forecast call."""

import streamlit as st

from pages.components import auth, data, deal_view, filters, forecast_call
from pages.components.explain import how_computed
from pages.components.format import markdown_text, money_short
from pipeline import permissions, workspace

f = filters.current()
user = auth.signed_in()
currency = data.setting("currency", "USD")

st.title("My deals")
if not permissions.works_deals(user):
    st.info(
        f"My deals is the workspace of people who own deals. As {user.role} you read every "
        "figure on the other pages; edits are made by reps, their managers and admins."
    )
    st.stop()

scope = permissions.deal_scope(user)
if user.role != "rep":  # managers and admins can narrow their list with the sidebar
    scope = {"owner_id": f.owner_id, "team_id": f.team_id or scope["team_id"]}
    if user.role == "manager" and f.team_id not in (None, user.team_id):
        scope = permissions.deal_scope(user)
        st.caption("The sidebar's team is not yours: showing your team's deals.")
who = "Your" if scope["owner_id"] == user.id or user.role == "rep" else f.scope_label + "'s"
st.caption(
    f"{markdown_text(who)} open deals as they stand now (the as-of date does not apply "
    "here), largest weighted value first."
)

search_column, page_column = st.columns([3, 1])
search = search_column.text_input(
    "Search deals or accounts", key="deals_search", placeholder="Name or account contains…"
)
now = data.now()
medians = data.run_daily("workspace.stage_time_medians")
listing_params = {**scope, "search": search, "now": now, "medians": medians}
first = data.run("workspace.open_deals", **listing_params, page=1)
total = int(first["total_deals"].iloc[0]) if len(first) else 0
pages_count = max(1, -(-total // workspace.PAGE_SIZE))
page = page_column.number_input(
    f"Page (of {pages_count})", min_value=1, max_value=pages_count, step=1, key="deals_page"
)
listing = data.run("workspace.open_deals", **listing_params, page=page)

tiles = st.columns(6)
tiles[0].metric("Open deals", f"{total:,}")
weighted_total = first["total_weighted"].iloc[0] if total else 0
tiles[1].metric("Weighted", money_short(weighted_total, currency))
for column, (flag, label) in zip(
    tiles[2:],
    [("stale", "Stale"), ("overdue", "Overdue"), ("no_next_step", "No next step"),
     ("stuck", "Stuck")],
    strict=True,
):  # fmt: skip
    column.metric(label, f"{int(first[f'total_{flag}'].iloc[0]) if total else 0:,}")
how_computed(
    "my_deals",
    ["weighted", "stale", "overdue", "no_next_step", "stuck"],
    ["open_deals_by_weighted_value", "stage_time_medians"],
)

if total == 0:
    st.info("No open deals match." if search else "No open deals here yet.")
else:
    shown = data.derived(
        "workspace.open_deals",
        deal_view.display_table,
        user.role != "rep",
        **listing_params,
        page=page,
    )
    selected = deal_view.deal_table(listing, shown, currency)
    if selected is not None:
        st.query_params["deal"] = str(selected)
    st.caption(
        f"Showing {len(listing)} of {total:,}. Select a row to open the deal."
        if total > len(listing)
        else "Select a row to open the deal."
    )

deal_id = filters.parse_int(st.query_params.get("deal"))
if deal_id is not None:
    deal_view.show(deal_id, user, currency)

forecast_call.show(user, currency, now)
