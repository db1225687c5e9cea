-- What every figure of a metric depends on besides its own query, in one statement:
-- when the latest deal version began (kept in history_clock; after it, the deals table
-- is the state as of any instant: see the deals_as_of macro), the fiscal year's first
-- month, and the plan key (this database file, its identity and the latest change that
-- is not of $deal_kinds) that quota results are kept under (pipeline.plan_cache).
SELECT
    (SELECT max(last_change) FROM history_clock) AS last_change,
    (SELECT value FROM settings WHERE key = 'fiscal_year_start_month') AS fiscal_start,
    (SELECT path FROM duckdb_databases() WHERE database_name = current_database()) AS path,
    (SELECT value FROM meta WHERE key = 'instance') AS instance,
    (SELECT coalesce(max(id), 0) FROM change_log WHERE NOT list_contains($deal_kinds, kind))
        AS plan_version
