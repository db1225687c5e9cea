"""Download buttons for a table: CSV and Excel, formula-safe (pipeline.exporting)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import streamlit as st

from pipeline import exporting


def downloads(frame: pd.DataFrame | pa.Table, name: str, key: str) -> None:
    """Two small buttons under a table; the files are built only when clicked."""
    csv_column, excel_column, _ = st.columns([1, 1, 6])
    csv_column.download_button(
        "CSV",
        data=lambda: exporting.to_csv(frame),
        file_name=f"{name}.csv",
        mime="text/csv",
        icon=":material/download:",
        key=f"{key}_csv",
        on_click="ignore",
    )
    excel_column.download_button(
        "Excel",
        data=lambda: exporting.to_excel(frame, name),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key=f"{key}_xlsx",
        on_click="ignore",
    )
