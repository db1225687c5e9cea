"""Funnel & conversion: how deals move through the pipeline. The snapshot and cohort
funnels, win and loss rates (two stated definitions, switched together), deal size,
cycle, velocity, the age of open deals, time in stage, loss reasons, qualified deals
against the rest, and margins, for any scope cut by segment, deal type, source and
size."""

import streamlit as st

from pages.components import data, frame, funnel_views
from pages.components.format import markdown_text
from pipeline import periods

SECTIONS = [
    "Funnels",
    "Conversion",
    "Time in stage",
    "Loss reasons",
    "Qualification",
    "Profitability",
]

filters = frame.start()
currency = data.setting("currency", "USD")
fiscal_start = int(data.setting("fiscal_year_start_month", "1"))
span = periods.period(filters.period, filters.as_of, fiscal_start)
st.title("Funnel & conversion")
pipeline, cut = funnel_views.choose_cut()
definition = funnel_views.choose_win_definition()
st.caption(
    f"{markdown_text(filters.scope_label)} · {periods.PERIOD_NAMES[filters.period].lower()}: "
    f"{span.start:%d %b %Y} – {filters.as_of:%d %b %Y} · win rate: "
    f"{funnel_views.win_label(definition)}"
)
# Only the open section is computed and sent (switching reruns the page).
tabs = st.tabs(SECTIONS, key="funnel_section", on_change="rerun")
for tab, name in zip(tabs, SECTIONS, strict=True):
    if not tab.open:
        continue
    with tab:
        if name == "Funnels":
            funnel_views.funnels_section(filters, span, pipeline, cut, currency)
        elif name == "Conversion":
            funnel_views.conversion_section(filters, span, cut, definition, currency)
        elif name == "Time in stage":
            funnel_views.time_section(filters, pipeline)
        elif name == "Loss reasons":
            funnel_views.losses_section(filters, span, cut, currency)
        elif name == "Qualification":
            funnel_views.qualification_section(filters, span, pipeline, cut)
        else:
            funnel_views.profitability_section(filters, span, cut, currency)
