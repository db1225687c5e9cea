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

-- The text of the columns the checks report is kept beside the typed value.
CREATE OR REPLACE TEMP TABLE import_rows AS
SELECT
    row_number,
    s.external_id AS external_id_text,
    s.amount AS amount_text,
    s.status AS status_text,
    s.is_closed AS is_closed_text,
    s.is_won AS is_won_text,
    s.close_date AS close_date_text,
    s.created_at AS created_at_text,
    s.closed_at AS closed_at_text,
    s.modified_at AS modified_at_text,
    s.probability AS probability_text,
    s.forecast_category AS forecast_category_text,
    s.cost AS cost_text,
    s.qualification AS qualification_text,
    length(s.notes) AS notes_length,
    greatest(length(s.name), length(s.next_step), length(s.lost_reason),
             length(s.account), length(s.owner), length(s.source)) AS longest_text,
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
    CAST(close_day.instant AS DATE) AS close_date,
    created.instant AS created_at,
    closed.instant AS closed_at,
    modified.instant AS modified_at,
    import_percent(probability) AS probability,
    import_forecast_category(forecast_category) AS forecast_category,
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
    nullif(trim(product), '') AS product,
    import_amount(cost) AS cost,
    criteria.stored AS qualification,
    criteria.problem AS qualification_problem
FROM staged_deals AS s
LEFT JOIN import_qualification_texts AS criteria ON criteria.value = s.qualification
LEFT JOIN import_instants AS close_day ON close_day.value = s.close_date
LEFT JOIN import_instants AS created ON created.value = s.created_at
LEFT JOIN import_instants AS closed ON closed.value = s.closed_at
LEFT JOIN import_instants AS modified ON modified.value = s.modified_at;

-- The history file's rows, typed the same way.
CREATE OR REPLACE TEMP TABLE import_history_rows AS
SELECT
    row_number,
    s.deal_external_id AS deal_external_id_text,
    s.changed_at AS changed_at_text,
    s.amount AS amount_text,
    s.close_date AS close_date_text,
    s.probability AS probability_text,
    nullif(trim(deal_external_id), '') AS deal_external_id,
    changed.instant AS changed_at,
    nullif(trim(stage), '') AS stage,
    import_key(stage) AS stage_key,
    import_amount(amount) AS amount,
    CAST(close_day.instant AS DATE) AS close_date,
    import_percent(probability) AS probability,
    import_forecast_category(forecast_category) AS forecast_category
FROM staged_history AS s
LEFT JOIN import_instants AS changed ON changed.value = s.changed_at
LEFT JOIN import_instants AS close_day ON close_day.value = s.close_date;
