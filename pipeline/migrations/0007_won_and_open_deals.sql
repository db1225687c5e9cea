-- Narrow copies of the current won and open deals, each in the order of the day its
-- figures are cut by (won: closed_at; open: close_date). The attainment and forecast
-- queries read these instead of the whole deals table: a few columns instead of every
-- one, and DuckDB skips the stored blocks outside a period's days. Every write to the
-- deals table refreshes the rows of the deals it wrote (pipeline.history.refresh_facts),
-- in the same transaction.
CREATE TABLE won_deals (
    deal_id BIGINT NOT NULL,
    owner_id INTEGER NOT NULL,
    closed_at TIMESTAMP,
    amount DECIMAL(18, 2)
);

CREATE TABLE open_deals (
    deal_id BIGINT NOT NULL,
    owner_id INTEGER NOT NULL,
    stage_id INTEGER NOT NULL,
    close_date DATE,
    forecast_category VARCHAR,
    probability_override DECIMAL(5, 4),
    amount DECIMAL(18, 2)
);

INSERT INTO won_deals
SELECT id, owner_id, closed_at, amount FROM deals WHERE status = 'won' ORDER BY closed_at;

INSERT INTO open_deals
SELECT id, owner_id, stage_id, close_date, forecast_category, probability_override, amount
FROM deals WHERE status = 'open' ORDER BY close_date;

-- This database file's identity, for results cached across connections in one process
-- (pipeline.plan_cache): a rebuilt file restarts its change log, and must not meet the
-- results of the file it replaced.
INSERT INTO meta (key, value) VALUES ('instance', CAST(uuid() AS VARCHAR));
