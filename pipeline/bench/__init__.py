"""The benchmark: ``python -m pipeline bench``. Not a test: it prints figures and writes
them to a Markdown report, and never fails on time.

What it measures, on a demo database of the requested size (built once, then reused):

- pages.py: every page under Streamlit's AppTest, cold, warm (cached results) and
  right after a write (nothing cached), against the floor (the SQL that page runs,
  replayed directly) plus an empty page (Streamlit's fixed cost);
- peer.py: the same figures from pandas DataFrames held in memory, the way most
  Streamlit dashboards compute them, checked equal to ours;
- writes.py: a deal save until every open page shows it;
- load.py: a real ``streamlit run`` server driven over its websocket by N sessions.
"""
