"""Pipeline & forecast: what a quarter will bring. Roll-ups against quota, the open
pipeline (and the deals behind any bar), coverage, the forecast calls, a statistical
forecast and how accurate each method has been."""

from datetime import date

import streamlit as st

from pages.components import auth, data, forecast_views, frame
from pages.components.filters import Filters
from pages.components.format import markdown_text
from pipeline import periods

QUARTER_KEY = "forecast_quarter"
SECTIONS = ["Pipeline", "Coverage", "Forecast calls", "Statistical forecast", "Accuracy"]


def choose_quarter(f: Filters, fiscal_start: int) -> date:
    """Any quarter from a year back to two ahead; the as-of date's by default. Kept in
    the URL (?quarter=YYYY-MM-DD) so a link reopens it."""
    options = periods.quarters_around(f.as_of, fiscal_start, before=4, after=2)
    current = periods.fiscal_quarter_start(f.as_of, fiscal_start)
    if st.session_state.get(QUARTER_KEY) not in options:
        asked = st.query_params.get("quarter")
        st.session_state[QUARTER_KEY] = next(
            (q for q in options if q.isoformat() == asked), current
        )
    quarter = st.selectbox(
        "Quarter", options, format_func=lambda q: periods.quarter_label(q, fiscal_start)
        + (" · this quarter" if q == current else ""), key=QUARTER_KEY,
    )  # fmt: skip
    if quarter == current:
        st.query_params.pop("quarter", None)
    else:
        st.query_params["quarter"] = quarter.isoformat()
    return quarter


filters = frame.start()
user = auth.signed_in()
currency = data.setting("currency", "USD")
fiscal_start = int(data.setting("fiscal_year_start_month", "1"))
st.title("Pipeline & forecast")
quarter = choose_quarter(filters, fiscal_start)
st.caption(
    f"{markdown_text(filters.scope_label)} · as the deals stood at the end of "
    f"{filters.as_of:%d %b %Y} · amounts in {currency}"
)
forecast_views.rollups(filters, quarter, currency)
# Only the open section is computed and sent (switching reruns the page).
tabs = st.tabs(SECTIONS, key="forecast_section", on_change="rerun")
for tab, name in zip(tabs, SECTIONS, strict=True):
    if tab.open:
        with tab:
            if name == "Pipeline":
                forecast_views.pipeline_section(filters, quarter, currency)
            elif name == "Coverage":
                forecast_views.coverage_section(filters, quarter, currency)
            elif name == "Forecast calls":
                forecast_views.calls_section(filters, quarter, currency, user)
            elif name == "Statistical forecast":
                forecast_views.statistical_section(filters, quarter, currency)
            else:
                forecast_views.accuracy_section(filters, currency)
