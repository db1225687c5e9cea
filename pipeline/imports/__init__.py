"""Importing CRM exports: Salesforce, HubSpot, Pipedrive, or any CSV/Excel with a mapping.

The flow (pipeline.imports.importer.run): each file is read as text into a temporary
table (files.py), its columns mapped to the fields of its role (fields.py) and staged;
the text is parsed into typed values and checked row by row (sql/typed_rows.sql,
sql/problems.sql). Only when no row has a problem does the write start, in one
transaction: stages, people and accounts are found or created (resolve.py), each deal
is compared with the database (sql/plan_deals.sql), new deals get their versions
(sql/new_versions.sql) and changed ones a new version (sql/apply_deals.sql). A
preview runs the same transaction and rolls it back, so it reports exactly what the
import will do.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def sql_text(name: str) -> str:
    """The text of ``pipeline/imports/sql/<name>.sql``."""
    return (resources.files("pipeline.imports.sql") / f"{name}.sql").read_text(encoding="utf-8")
