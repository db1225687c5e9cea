"""My deals: a rep's open deals by weighted value with hygiene flags; open one to update
it, log an activity or read its history; and the weekly forecast call."""

from decimal import Decimal

import streamlit as st

from pages.components import auth, data, deal_view, forecast_call, frame
from pages.components.explain import how_computed
from pages.components.filters import Filters, parse_int
from pages.components.format import markdown_text, money, money_short
from pipeline import permissions, users
from pipeline.figures import hygiene

NARROW_TILE = Decimal(1_000_000)  # seven tiles in a row: shorten from a million
FLAG_TILES = [
    ("stale", "Stale"),
    ("overdue", "Overdue"),
    ("no_next_step", "No next step"),
    ("next_step_late", "Next step late"),
    ("stuck", "Stuck"),
]


def workspace_scope(user: users.User, f: Filters) -> tuple[dict, str]:
    """Which deals the list holds, and its caption's words for them. A rep sees their
    own; a manager their team's subtree, narrowed by the sidebar within it; an admin
    whatever the sidebar says."""
    own = permissions.deal_scope(user)
    if user.role == "rep":
        return own, "Your"
    chosen = {"owner_id": f.owner_id, "team_id": f.team_id}
    if user.role == "manager" and not data.run_for_plan(
        permissions.manages_scope, actor=user, **chosen
    ):
        st.caption("The sidebar's scope is outside your team: showing your team's deals.")
        chosen, label = own, "Your team's"
    elif chosen["owner_id"] == user.id:
        label = "Your"
    elif chosen == own and user.role == "manager":
        label = "Your team's"
    else:
        label = f"{f.scope_label}'s"
    return chosen, label


def flag_tiles(first, total: int, currency: str) -> None:
    tiles = st.columns([1, 1.8] + [1] * len(FLAG_TILES))
    tiles[0].metric("Open deals", f"{total:,}")
    weighted_total = first["total_weighted"].iloc[0] if total else 0
    tiles[1].metric(
        "Weighted",
        money_short(weighted_total, currency, short_from=NARROW_TILE),
        help=f"{markdown_text(money(weighted_total, currency))}: the sum of amount x "
        "probability over the whole list, rounded once.",
    )
    for column, (flag, label) in zip(tiles[2:], FLAG_TILES, strict=True):
        column.metric(label, f"{int(first[f'total_{flag}'].iloc[0]) if total else 0:,}")
    how_computed("my_deals", hygiene.open_deals, hygiene.stage_time_medians)


def deal_list(user: users.User, scope: dict, currency: str) -> None:
    search_column, page_column = st.columns([3, 1])
    search = search_column.text_input(
        "Search deals or accounts", key="deals_search", placeholder="Name or account contains…"
    )
    medians = data.run_daily(hygiene.stage_time_medians)
    params = {**scope, "search": search, "now": data.now(), "medians": medians}
    first = data.run(hygiene.open_deals, **params, page=1)
    total = int(first["total_deals"].iloc[0]) if len(first) else 0
    pages_count = max(1, -(-total // hygiene.PAGE_SIZE))
    page = page_column.number_input(
        f"Page (of {pages_count})", min_value=1, max_value=pages_count, step=1, key="deals_page"
    )
    listing = data.run(hygiene.open_deals, **params, page=page)
    flag_tiles(first, total, currency)
    if total == 0:
        st.info("No open deals match." if search else "No open deals here yet.")
        return
    shown = data.derived(
        hygiene.open_deals, deal_view.display_table, user.role != "rep", **params, page=page
    )
    # The list's identity: a new page, search or scope is a new table, whose selection
    # starts empty (a row number must never open a deal of another list).
    list_key = repr((sorted(scope.items()), search, page))
    selected = deal_view.deal_table(listing, shown, currency, list_key)
    deal_view.follow_selection(list_key, selected)
    st.caption(
        f"Showing {len(listing)} of {total:,}. Select a row to open the deal."
        if total > len(listing)
        else "Select a row to open the deal."
    )


filters = frame.start()
user = auth.signed_in()
currency = data.setting("currency", "USD")
st.title("My deals")
if not permissions.works_deals(user):
    st.info(
        f"My deals is the workspace of people who own deals. As {user.a_role} you read every "
        "figure on the other pages; edits are made by reps, their managers and admins."
    )
    st.stop()
scope, whose = workspace_scope(user, filters)
st.caption(
    f"{markdown_text(whose)} open deals as they stand now (the as-of date does not apply "
    "here), largest weighted value first."
)
deal_list(user, scope, currency)
deal_id = parse_int(st.query_params.get("deal"))
if deal_id is not None:
    deal_view.show(deal_id, user, currency)
forecast_call.show(user, currency, data.now())
