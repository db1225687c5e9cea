-- Each incoming deal as it will stand after the import, and what happens to it:
-- 'new' (no deal has its ID), 'changed' (a mapped field differs from the deal's current
-- state), 'same', or 'conflict' (changed in this app after the export was taken; left
-- alone). Fields the import does not map keep the deal's current values (import_takes).
-- A closed deal whose stage is an open one moves to its pipeline's won or lost stage;
-- a row whose stage cannot hold its status gets no stage_id (reported).
CREATE OR REPLACE TEMP TABLE import_deals AS
WITH prices AS (
    SELECT import_key(name) AS product_key, min(import_amount(price)) AS price
    FROM staged_products
    GROUP BY ALL
),

first_seen AS (
    SELECT deal_external_id, min(changed_at) AS at
    FROM import_history_rows
    GROUP BY ALL
),

resolved AS (
    SELECT
        r.*,
        coalesce(r.stated_status, stage.kind) AS status,
        stage.stage_id AS named_stage_id,
        stage.kind AS stage_kind,
        coalesce(o.user_id, getvariable('import_unassigned')) AS owner_id,
        a.account_id,
        prices.price AS list_price,
        first_seen.at AS first_seen_at
    FROM import_rows AS r
    LEFT JOIN import_stage_ids AS stage
        ON stage.pipeline = r.pipeline AND stage.stage_key = r.stage_key
    LEFT JOIN import_owner_ids AS o ON o.owner = r.owner
    LEFT JOIN import_account_ids AS a ON a.account = r.account
    LEFT JOIN prices ON prices.product_key = r.product_key
    LEFT JOIN first_seen ON first_seen.deal_external_id = r.external_id
),

placed AS (
    SELECT
        resolved.*,
        CASE
            WHEN resolved.status = resolved.stage_kind THEN resolved.named_stage_id
            ELSE closed.stage_id
        END AS stage_id
    FROM resolved
    LEFT JOIN import_closed_stage AS closed
        ON closed.pipeline = resolved.pipeline AND closed.kind = resolved.status
),

incoming AS (
    SELECT
        p.row_number,
        p.external_id,
        p.pipeline,
        p.stage,
        p.status,
        p.stage_id,
        coalesce(p.name, nullif(concat_ws(' ', p.account, p.product), ''), p.external_id)
            AS name,
        p.account_id,
        p.owner_id,
        coalesce(p.amount, p.list_price) AS amount,
        p.amount IS NULL AND p.list_price IS NOT NULL AS amount_from_price,
        coalesce(p.currency, getvariable('import_currency')) AS currency,
        import_probability_override(p.probability, stage.probability) AS probability_override,
        import_category_override(p.forecast_category, stage.forecast_category)
            AS forecast_category,
        coalesce(p.deal_type, 'new') AS deal_type,
        p.source,
        p.close_date,
        CASE
            WHEN p.status <> 'open' THEN coalesce(
                p.closed_at, CAST(p.close_date AS TIMESTAMP), p.modified_at, getvariable('import_stamp'))
        END AS closed_at,
        p.lost_reason,
        p.next_step,
        p.notes,
        p.cost,
        p.qualification,
        -- No creation date and no history: its earliest known date, else the fallback
        -- (the export's date, the file's earliest creation date, or a date chosen).
        least(
            coalesce(p.created_at, p.first_seen_at, p.closed_at,
                     CAST(p.close_date AS TIMESTAMP), p.modified_at,
                     getvariable('import_created_fallback')),
            coalesce(p.first_seen_at, p.created_at, getvariable('import_created_fallback'))
        ) AS created_at,
        p.created_at IS NULL AND p.first_seen_at IS NULL AS created_guessed,
        p.created_at IS NULL AND p.first_seen_at IS NULL
            AND coalesce(p.closed_at, CAST(p.close_date AS TIMESTAMP), p.modified_at) IS NULL
            AS created_from_fallback,
        coalesce(p.modified_at, getvariable('import_stamp')) AS stamped_at
    FROM placed AS p
    LEFT JOIN stages AS stage ON stage.id = p.stage_id
),

merged AS (
    SELECT
        i.row_number,
        i.external_id,
        i.pipeline,
        i.stage,
        existing.id AS existing_id,
        existing.version AS existing_version,
        existing.updated_at AS existing_updated_at,
        i.stamped_at,
        i.created_guessed AND existing.id IS NULL AS created_guessed,
        i.created_from_fallback AND existing.id IS NULL AS created_from_fallback,
        i.amount_from_price,
        i.stage_id,
        i.status,
        import_pick(existing.id, 'name', i.name, existing.name) AS name,
        import_pick(existing.id, 'account', i.account_id, existing.account_id) AS account_id,
        import_pick(existing.id, 'owner', i.owner_id, existing.owner_id) AS owner_id,
        CASE WHEN import_takes(existing.id, 'amount') OR import_takes(existing.id, 'product')
            THEN i.amount ELSE existing.amount END AS amount,
        import_pick(existing.id, 'currency', i.currency, existing.currency) AS currency,
        import_pick(existing.id, 'probability', i.probability_override,
                    existing.probability_override) AS probability_override,
        import_pick(existing.id, 'forecast_category', i.forecast_category,
                    existing.forecast_category) AS forecast_category,
        import_pick(existing.id, 'deal_type', i.deal_type, existing.deal_type) AS deal_type,
        import_pick(existing.id, 'source', i.source, existing.source) AS source,
        import_pick(existing.id, 'close_date', i.close_date, existing.close_date) AS close_date,
        CASE
            WHEN existing.status <> i.status OR import_takes(existing.id, 'closed_at')
                OR import_takes(existing.id, 'close_date') THEN i.closed_at
            ELSE existing.closed_at
        END AS closed_at,
        import_pick(existing.id, 'lost_reason', i.lost_reason, existing.lost_reason) AS lost_reason,
        import_pick(existing.id, 'next_step', i.next_step, existing.next_step) AS next_step,
        import_pick(existing.id, 'notes', i.notes, existing.notes) AS notes,
        import_pick(existing.id, 'cost', i.cost, existing.cost) AS cost,
        import_pick(existing.id, 'qualification', i.qualification, existing.qualification)
            AS qualification,
        coalesce(existing.created_at, i.created_at) AS created_at
    FROM incoming AS i
    LEFT JOIN deals AS existing ON existing.external_id = i.external_id
)

SELECT
    merged.*,
    CASE
        WHEN merged.existing_id IS NULL THEN 'new'
        WHEN (existing.name, existing.account_id, existing.owner_id, existing.stage_id,
              existing.status, existing.amount, existing.currency,
              existing.probability_override, existing.forecast_category,
              existing.deal_type, existing.source, existing.close_date, existing.closed_at,
              existing.lost_reason, existing.next_step, existing.notes, existing.cost,
              existing.qualification)
            IS NOT DISTINCT FROM
             (merged.name, merged.account_id, merged.owner_id, merged.stage_id,
              merged.status, merged.amount, merged.currency, merged.probability_override,
              merged.forecast_category, merged.deal_type, merged.source, merged.close_date,
              merged.closed_at, merged.lost_reason, merged.next_step, merged.notes, merged.cost,
              merged.qualification)
            THEN 'same'
        WHEN existing.updated_by IS NOT NULL AND existing.updated_at >= merged.stamped_at
            THEN 'conflict'
        ELSE 'changed'
    END AS outcome
FROM merged
LEFT JOIN deals AS existing ON existing.id = merged.existing_id
