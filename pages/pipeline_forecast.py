"""Pipeline & forecast: what a quarter will bring. Roll-ups against quota, the open
pipeline (and the deals behind any bar), coverage, the forecast calls, a statistical
forecast and how accurate each method has been."""

import streamlit as st

from pages.components import auth, data, forecast_views, frame
from pages.components import quarter as quarter_box
from pages.components.format import markdown_text

SECTIONS = ["Pipeline", "Coverage", "Forecast calls", "Statistical forecast", "Accuracy"]


filters = frame.start()
user = auth.signed_in()
currency = data.setting("currency", "USD")
fiscal_start = int(data.setting("fiscal_year_start_month", "1"))
st.title("Pipeline & forecast")
quarter = quarter_box.choose(filters.as_of, fiscal_start)
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
