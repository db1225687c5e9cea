"""Pipeline review: the page the weekly meeting (or a rep's 1:1) is run from. What
changed in the window, the top deals, the hygiene lists, the window's wins, losses and
new deals, the meeting itself (an agenda stepped through deal by deal, saved with its
notes, decisions and action items), and the reviews saved before."""

import streamlit as st

from pages.components import (
    auth,
    data,
    frame,
    meeting,
    notices,
    review_history,
    review_views,
    review_window,
)
from pages.components import quarter as quarter_box
from pages.components.format import markdown_text
from pipeline import reviews

SECTIONS = ["What changed", "Top deals", "Hygiene", "Won, lost & new", "Meeting", "Past reviews"]
REP_SECTIONS = ["What changed", "Top deals", "Hygiene", "Won, lost & new", "My 1:1 reviews"]


def review_scope(user, filters) -> tuple[dict, str]:
    """Whose pipeline: a rep's own (their 1:1), else the sidebar's rep or team (a rep
    chosen is a 1:1, so the review names the rep alone), else the whole company."""
    if user.role == "rep":
        return {"team_id": None, "owner_id": user.id}, user.name
    if filters.owner_id is not None:
        return {"team_id": None, "owner_id": filters.owner_id}, filters.scope_label
    return {"team_id": filters.team_id, "owner_id": None}, filters.scope_label


filters = frame.start()
user = auth.signed_in()
currency = data.setting("currency", "USD")
fiscal_start = int(data.setting("fiscal_year_start_month", "1"))
now = data.now()
scope, scope_label = review_scope(user, filters)
st.title("Pipeline review")
window_column, quarter_column = st.columns([3, 2])
with window_column:
    window = review_window.choose(**scope, now=now)
if window is None:
    st.stop()
with quarter_column:  # the quarter the window ends in, unless another is chosen
    quarter = quarter_box.choose(window["window_end"].date(), fiscal_start)
window["quarter_start"] = quarter
previous = data.run(reviews.last_review, **scope)
window_label = (
    f"since {window['window_start']:%d %b %Y %H:%M}"
    if review_window.is_live()
    else f"from {meeting.window_text(window)}"
)
st.caption(
    f"{markdown_text(scope_label)} · changes {window_label}"
    + (" (this scope's first review)" if previous is None else "")
    + f" · open pipeline closing in the quarter in focus · amounts in {currency}"
)
notices.other_currencies(currency)
if saved_id := st.session_state.pop("review_saved", None):
    st.success(f"Review saved (number {saved_id}); it is under {SECTIONS[-1]}.")
review_history.open_actions(user, scope)
title = f"Pipeline review · {scope_label} · {now:%d %b %Y}"
names = REP_SECTIONS if user.role == "rep" else SECTIONS
# Only the open section is computed and sent (switching reruns the page).
tabs = st.tabs(names, key="review_section", on_change="rerun")
for tab, name in zip(tabs, names, strict=True):
    if not tab.open:
        continue
    with tab:
        if name == "What changed":
            review_views.what_changed(scope, window, currency)
        elif name == "Top deals":
            review_views.top_deals(scope, window, currency)
        elif name == "Hygiene":
            review_views.hygiene_lists(scope)
        elif name == "Won, lost & new":
            review_views.closed_and_new(scope, window, currency)
        elif name == "Meeting":
            meeting.section(user, scope, window, title, currency)
        else:
            review_history.past_reviews(user, scope, scope_label, currency)
