"""Planning: next year's quota plan for a team (or the company), made from what it won
and how its year usually runs, split down to its reps and saved as their monthly
quotas; and the reverse funnel, from a quarter's gap to quota back to the deals each
stage needs."""

import streamlit as st

from pages.components import auth, data, frame, planning_views
from pages.components import quarter as quarter_box
from pages.components.format import markdown_text

SECTIONS = ["Quota plan", "Reverse funnel"]

filters = frame.start()
user = auth.signed_in()
currency = data.setting("currency", "USD")
fiscal_start = int(data.setting("fiscal_year_start_month", "1"))
st.title("Planning")
st.caption(f"{markdown_text(filters.scope_label)} · amounts in {currency}")
# Only the open section is computed and sent (switching reruns the page).
tabs = st.tabs(SECTIONS, key="planning_section", on_change="rerun")
for tab, name in zip(tabs, SECTIONS, strict=True):
    if not tab.open:
        continue
    with tab:
        if name == "Quota plan":
            planning_views.quota_plan_section(filters, user, fiscal_start, currency)
        else:
            quarter = quarter_box.choose(filters.as_of, fiscal_start)
            pipeline = planning_views.pipeline_of()
            planning_views.reverse_funnel_section(filters, quarter, pipeline, currency)
