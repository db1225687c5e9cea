"""Data & settings (admins): import CRM exports with a preview, data health, settings and
stages, quotas, and a full export of the database."""

import streamlit as st

from pages.components import (
    admin_sections,
    auth,
    data,
    frame,
    import_form,
    missing_list,
    outcome,
    quota_editor,
)
from pages.components.format import money_column_format
from pipeline import permissions

frame.start()
user = auth.signed_in()
st.title("Data & settings")
if not permissions.manages_data(user):
    st.info("Imports, settings and full exports are for admins.")
    st.stop()
currency = data.setting("currency", "USD")

# Only the open tab is computed and sent (switching tabs reruns the page): data health
# and the quota plan scan every deal and person, and need not run after every save.
import_tab, health_tab, settings_tab, quotas_tab, export_tab = st.tabs(
    ["Import", "Data health", "Settings", "Quotas", "Export"], key="data_tab", on_change="rerun"
)
if import_tab.open:
    with import_tab:
        outcome.show("import_outcome")
        import_form.show(user, demo=data.is_demo())
        missing_list.show(user, currency)
if health_tab.open:
    with health_tab:
        admin_sections.health_tab()
if settings_tab.open:
    with settings_tab:
        admin_sections.settings_tab(user)
if quotas_tab.open:
    with quotas_tab:
        quota_editor.show(user, money_column_format(currency))
if export_tab.open:
    with export_tab:
        admin_sections.export_tab(user)
