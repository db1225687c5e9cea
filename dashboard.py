"""Sales pipeline dashboard: `streamlit run dashboard.py`.

The database is $SALES_DB (default data/sales.duckdb); a demo database is created
there on the first start. The frame (filters, navigation) is in pages/components/frame.py.
"""

from pages.components import frame

frame.run()
