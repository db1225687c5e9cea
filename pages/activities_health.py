"""Activities & health: what the team does (activity volume and outcomes, touches per
deal and before a close, pipeline generated), how healthy each rep's pipeline is, and
the clean-out of dead deals."""

import streamlit as st

from pages.components import activity_views, auth, cleanout_form, data, frame
from pages.components.format import markdown_text
from pipeline import periods

SECTIONS = ["Activity", "Touches", "Pipeline generated", "Health", "Clean-out"]

filters = frame.start()
user = auth.signed_in()
currency = data.setting("currency", "USD")
fiscal_start = int(data.setting("fiscal_year_start_month", "1"))
span = activity_views.span_of(filters, fiscal_start)
st.title("Activities & health")
st.caption(
    f"{markdown_text(filters.scope_label)} · {periods.PERIOD_NAMES[filters.period].lower()}: "
    f"{span.start:%d %b %Y} – {filters.as_of:%d %b %Y} · open deals as they stand now"
)
# Only the open section is computed and sent (switching reruns the page).
tabs = st.tabs(SECTIONS, key="activity_section", on_change="rerun")
for tab, name in zip(tabs, SECTIONS, strict=True):
    if not tab.open:
        continue
    with tab:
        if name == "Activity":
            activity_views.volume_section(filters, span, fiscal_start)
        elif name == "Touches":
            activity_views.touches_section(filters, span)
        elif name == "Pipeline generated":
            activity_views.generated_section(filters, span, fiscal_start, currency)
        elif name == "Health":
            quarter = periods.fiscal_quarter_start(filters.as_of, fiscal_start)
            activity_views.health_section(filters, span, quarter, currency)
        else:
            cleanout_form.section(filters, user, currency)
