-- The deal file's rows with typed values (NULL where the text does not parse; the
-- checks report those). Keys compare names loosely (import_key).
-- Each distinct date text read in the decided order (slashes month- or day-first).
CREATE OR REPLACE TEMP TABLE import_instants AS
SELECT
    value,
    import_when_shaped(
        value,
        CASE WHEN shape = 'iso' THEN shape
             ELSE shape || CASE WHEN getvariable('import_day_first') THEN 'D' ELSE 'M' END END
    ) AS instant
FROM import_date_texts;

CREATE OR REPLACE TEMP MACRO import_instant(raw) AS
    (SELECT instant FROM import_instants WHERE value = raw);

CREATE OR REPLACE TEMP TABLE import_rows AS
SELECT
    row_number,
    nullif(trim(external_id), '') AS external_id,
    nullif(trim(name), '') AS name,
    nullif(trim(account), '') AS account,
    nullif(trim(owner), '') AS owner,
    nullif(trim(stage), '') AS stage,
    import_key(stage) AS stage_key,
    coalesce(nullif(trim(pipeline), ''), 'default') AS pipeline,
    CASE
        WHEN import_key(status) IN ('won', 'closedwon') THEN 'won'
        WHEN import_key(status) IN ('lost', 'closedlost') THEN 'lost'
        WHEN import_key(status) IN ('open', 'active', 'inprogress') THEN 'open'
        WHEN import_flag(is_won) THEN 'won'
        WHEN import_flag(is_closed) THEN 'lost'
        WHEN import_flag(is_closed) = false THEN 'open'
    END AS stated_status,
    -- Salesforce's IsWon/IsClosed follow the stage, so they also tell a stage's kind;
    -- a separate status (Pipedrive) does not.
    CASE
        WHEN import_flag(is_won) THEN 'won'
        WHEN import_flag(is_closed) THEN 'lost'
        WHEN import_flag(is_closed) = false THEN 'open'
    END AS flagged_status,
    import_amount(amount) AS amount,
    upper(nullif(trim(currency), '')) AS currency,
    CAST(import_instant(close_date) AS DATE) AS close_date,
    import_instant(created_at) AS created_at,
    import_instant(closed_at) AS closed_at,
    import_instant(modified_at) AS modified_at,
    import_number(probability) * CASE WHEN getvariable('import_fraction') THEN 100 ELSE 1 END AS probability,
    CASE import_key(forecast_category)
        WHEN 'pipeline' THEN 'Pipeline'
        WHEN 'bestcase' THEN 'Best Case'
        WHEN 'commit' THEN 'Commit'
        WHEN 'omitted' THEN 'Omitted'
        WHEN 'closed' THEN 'Closed'
    END AS forecast_category,
    CASE
        WHEN import_blank(deal_type) THEN NULL
        WHEN contains(lower(deal_type), 'renew') THEN 'renewal'
        WHEN regexp_matches(lower(deal_type), 'existing|upgrade|upsell|expan|cross')
            THEN 'expansion'
        ELSE 'new'
    END AS deal_type,
    nullif(trim(source), '') AS source,
    nullif(trim(next_step), '') AS next_step,
    nullif(trim(lost_reason), '') AS lost_reason,
    nullif(trim(notes), '') AS notes,
    import_key(product) AS product_key,
    nullif(trim(product), '') AS product
FROM staged_deals;

-- The history file's rows, typed the same way.
CREATE OR REPLACE TEMP TABLE import_history_rows AS
SELECT
    row_number,
    nullif(trim(deal_external_id), '') AS deal_external_id,
    import_instant(changed_at) AS changed_at,
    nullif(trim(stage), '') AS stage,
    import_key(stage) AS stage_key,
    import_amount(amount) AS amount,
    CAST(import_instant(close_date) AS DATE) AS close_date,
    import_number(probability) * CASE WHEN getvariable('import_fraction') THEN 100 ELSE 1 END AS probability,
    CASE import_key(forecast_category)
        WHEN 'pipeline' THEN 'Pipeline'
        WHEN 'bestcase' THEN 'Best Case'
        WHEN 'commit' THEN 'Commit'
        WHEN 'omitted' THEN 'Omitted'
        WHEN 'closed' THEN 'Closed'
    END AS forecast_category
FROM staged_history;
