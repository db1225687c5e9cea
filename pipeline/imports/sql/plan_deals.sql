-- Each incoming deal as it will stand after the import, and what happens to it:
-- 'new' (no deal has its ID), 'changed' (a mapped field differs from the deal's current
-- state), 'same', or 'conflict' (changed in this app after the export was taken; left
-- alone). Fields the import does not map (getvariable('import_mapped')) keep the deal's current values.
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
        CASE
            WHEN p.probability IS NULL
                OR round(p.probability / 100, 4) = stage.probability THEN NULL
            ELSE CAST(round(p.probability / 100, 4) AS DECIMAL(5, 4))
        END AS probability_override,
        CASE WHEN p.forecast_category <> stage.forecast_category THEN p.forecast_category END
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
        least(
            coalesce(p.created_at, p.first_seen_at, p.closed_at,
                     CAST(p.close_date AS TIMESTAMP), p.modified_at, getvariable('import_stamp')),
            coalesce(p.first_seen_at, p.created_at, getvariable('import_stamp'))
        ) AS created_at,
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
        i.amount_from_price,
        i.stage_id,
        i.status,
        CASE WHEN existing.id IS NULL OR list_contains(getvariable('import_mapped'), 'name') THEN i.name
             ELSE existing.name END AS name,
        CASE WHEN existing.id IS NULL OR list_contains(getvariable('import_mapped'), 'account') THEN i.account_id
             ELSE existing.account_id END AS account_id,
        CASE WHEN existing.id IS NULL OR list_contains(getvariable('import_mapped'), 'owner') THEN i.owner_id
             ELSE existing.owner_id END AS owner_id,
        CASE WHEN existing.id IS NULL OR list_contains(getvariable('import_mapped'), 'amount')
                 OR list_contains(getvariable('import_mapped'), 'product') THEN i.amount
             ELSE existing.amount END AS amount,
        CASE WHEN existing.id IS NULL OR list_contains(getvariable('import_mapped'), 'currency') THEN i.currency
             ELSE existing.currency END AS currency,
        CASE WHEN existing.id IS NULL OR list_contains(getvariable('import_mapped'), 'probability')
                 THEN i.probability_override
             ELSE existing.probability_override END AS probability_override,
        CASE WHEN existing.id IS NULL OR list_contains(getvariable('import_mapped'), 'forecast_category')
                 THEN i.forecast_category
             ELSE existing.forecast_category END AS forecast_category,
        CASE WHEN existing.id IS NULL OR list_contains(getvariable('import_mapped'), 'deal_type') THEN i.deal_type
             ELSE existing.deal_type END AS deal_type,
        CASE WHEN existing.id IS NULL OR list_contains(getvariable('import_mapped'), 'source') THEN i.source
             ELSE existing.source END AS source,
        CASE WHEN existing.id IS NULL OR list_contains(getvariable('import_mapped'), 'close_date') THEN i.close_date
             ELSE existing.close_date END AS close_date,
        CASE
            WHEN existing.id IS NULL OR existing.status <> i.status
                OR list_contains(getvariable('import_mapped'), 'closed_at') OR list_contains(getvariable('import_mapped'), 'close_date')
                THEN i.closed_at
            ELSE existing.closed_at
        END AS closed_at,
        CASE WHEN existing.id IS NULL OR list_contains(getvariable('import_mapped'), 'lost_reason')
                 THEN i.lost_reason
             ELSE existing.lost_reason END AS lost_reason,
        CASE WHEN existing.id IS NULL OR list_contains(getvariable('import_mapped'), 'next_step') THEN i.next_step
             ELSE existing.next_step END AS next_step,
        CASE WHEN existing.id IS NULL OR list_contains(getvariable('import_mapped'), 'notes') THEN i.notes
             ELSE existing.notes END AS notes,
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
              existing.lost_reason, existing.next_step, existing.notes)
            IS NOT DISTINCT FROM
             (merged.name, merged.account_id, merged.owner_id, merged.stage_id,
              merged.status, merged.amount, merged.currency, merged.probability_override,
              merged.forecast_category, merged.deal_type, merged.source, merged.close_date,
              merged.closed_at, merged.lost_reason, merged.next_step, merged.notes)
            THEN 'same'
        WHEN existing.updated_by IS NOT NULL AND existing.updated_at >= merged.stamped_at
            THEN 'conflict'
        ELSE 'changed'
    END AS outcome
FROM merged
LEFT JOIN deals AS existing ON existing.id = merged.existing_id
