-- Every value of the staged files that cannot be imported: (role, row, field, value,
-- problem), in file order. Any row here stops the import before anything is written.
CREATE OR REPLACE TEMP TABLE import_problems AS
WITH deal_ids AS (
    SELECT
        row_number,
        external_id,
        min(row_number) OVER (PARTITION BY external_id) AS first_row
    FROM import_rows
    WHERE external_id IS NOT NULL
),

checked AS (SELECT * FROM import_rows),

deal_checks AS (
    SELECT row_number, 'external_id' AS field, external_id_text AS value,
        'no deal ID' AS problem
    FROM checked WHERE external_id IS NULL
    UNION ALL
    SELECT row_number, 'stage', stage, 'no stage'
    FROM checked WHERE stage IS NULL
    UNION ALL
    SELECT row_number, 'amount', amount_text,
        CASE
            WHEN import_sub_cent(amount_text) THEN 'more than two decimal places (cents)'
            WHEN amount IS NULL THEN 'not an amount'
            WHEN amount < 0 THEN 'a negative amount'
            ELSE 'over 1,000,000,000,000, which no deal can be'
        END
    FROM checked
    WHERE (amount IS NULL AND NOT import_blank(amount_text))
       OR amount < 0 OR amount > 1000000000000
    UNION ALL
    SELECT row_number, 'cost', cost_text,
        CASE
            WHEN import_sub_cent(cost_text) THEN 'more than two decimal places (cents)'
            WHEN cost IS NULL THEN 'not an amount'
            WHEN cost < 0 THEN 'a negative cost'
            ELSE 'over 1,000,000,000,000, which no deal can cost'
        END
    FROM checked
    WHERE (cost IS NULL AND NOT import_blank(cost_text))
       OR cost < 0 OR cost > 1000000000000
    UNION ALL
    SELECT row_number, 'qualification', qualification_text, qualification_problem
    FROM checked
    WHERE qualification_problem IS NOT NULL
    UNION ALL
    -- An amount written in another currency than the deal's (its currency column, else
    -- the database's) would be summed as if it were the deal's: refused.
    SELECT row_number, 'amount', amount_text,
        'written in ' || replace(replace(import_named_currency(amount_text), '¥', 'yen or yuan'),
                                 '$', 'dollars')
        || ', but the deal''s currency is ' || coalesce(currency, getvariable('import_currency'))
        || CASE WHEN currency IS NULL THEN ' (the database''s; map a currency column to import '
                || 'other currencies)' ELSE '' END
    FROM checked
    WHERE amount IS NOT NULL
      AND NOT import_same_currency(import_named_currency(amount_text),
                                   coalesce(currency, getvariable('import_currency')))
    UNION ALL
    SELECT row_number, 'status', status_text, 'not a status (expected open, won or lost)'
    FROM checked
    WHERE NOT import_blank(status_text) AND stated_status IS NULL
    UNION ALL
    SELECT row_number, 'is_closed', is_closed_text, 'not true or false'
    FROM checked
    WHERE NOT import_blank(is_closed_text) AND import_flag(is_closed_text) IS NULL
    UNION ALL
    SELECT row_number, 'is_won', is_won_text, 'not true or false'
    FROM checked
    WHERE NOT import_blank(is_won_text) AND import_flag(is_won_text) IS NULL
    UNION ALL
    SELECT row_number, 'close_date', close_date_text, getvariable('import_date_problem')
    FROM checked WHERE close_date IS NULL AND NOT import_blank(close_date_text)
    UNION ALL
    SELECT row_number, 'close_date', close_date_text, 'more than 50 years from today'
    FROM checked WHERE abs(datediff('year', close_date, getvariable('import_today'))) > 50
    UNION ALL
    SELECT row_number, 'created_at', created_at_text, getvariable('import_date_problem')
    FROM checked WHERE created_at IS NULL AND NOT import_blank(created_at_text)
    UNION ALL
    SELECT row_number, 'closed_at', closed_at_text, getvariable('import_date_problem')
    FROM checked WHERE closed_at IS NULL AND NOT import_blank(closed_at_text)
    UNION ALL
    SELECT row_number, 'modified_at', modified_at_text, getvariable('import_date_problem')
    FROM checked WHERE modified_at IS NULL AND NOT import_blank(modified_at_text)
    UNION ALL
    SELECT row_number, 'probability', probability_text,
        CASE WHEN probability IS NULL THEN 'not a number' ELSE 'outside 0 to 100 percent' END
    FROM checked
    WHERE (probability IS NULL AND NOT import_blank(probability_text))
       OR probability NOT BETWEEN 0 AND 100
    UNION ALL
    SELECT row_number, 'forecast_category', forecast_category_text,
        'not a forecast category (Pipeline, Best Case, Commit, Omitted, Closed)'
    FROM checked
    WHERE forecast_category IS NULL AND NOT import_blank(forecast_category_text)
    UNION ALL
    SELECT row_number, 'notes', NULL, 'longer than 10,000 characters'
    FROM checked WHERE notes_length > 10000
    UNION ALL
    SELECT c.row_number, t.field, left(t.value, 40) || '…', 'longer than 1,000 characters'
    FROM checked AS c
    JOIN staged_deals AS s ON s.row_number = c.row_number
    CROSS JOIN LATERAL (VALUES ('name', s.name), ('next_step', s.next_step),
                               ('lost_reason', s.lost_reason), ('account', s.account),
                               ('owner', s.owner), ('source', s.source)) AS t(field, value)
    WHERE c.longest_text > 1000 AND length(t.value) > 1000
),

duplicates AS (
    SELECT 'deals' AS role, row_number, 'external_id' AS field, external_id AS value,
        -- Row numbers carry the part of a split export (importer.PART_ROWS).
        'the same deal ID as row ' || first_row % 1000000000000 || CASE
            WHEN first_row // 1000000000000 = row_number // 1000000000000 THEN ''
            ELSE ' of ' || getvariable('import_deal_files')[first_row // 1000000000000 + 1]
        END AS problem
    FROM deal_ids
    WHERE row_number <> first_row
),

history_checks AS (
    SELECT 'history' AS role, row_number, 'deal_external_id' AS field,
        deal_external_id_text AS value, 'no deal ID' AS problem
    FROM import_history_rows WHERE deal_external_id IS NULL
    UNION ALL
    SELECT 'history', row_number, 'changed_at', changed_at_text,
        getvariable('import_date_problem')
    FROM import_history_rows WHERE changed_at IS NULL
    UNION ALL
    SELECT 'history', row_number, 'stage', NULL, 'no stage'
    FROM import_history_rows WHERE stage IS NULL
    UNION ALL
    SELECT 'history', row_number, 'amount', amount_text,
        'not an amount of 0 to 1,000,000,000,000'
    FROM import_history_rows
    WHERE (amount IS NULL AND NOT import_blank(amount_text))
       OR amount < 0 OR amount > 1000000000000
    UNION ALL
    SELECT 'history', row_number, 'close_date', close_date_text,
        getvariable('import_date_problem')
    FROM import_history_rows WHERE close_date IS NULL AND NOT import_blank(close_date_text)
    UNION ALL
    SELECT 'history', row_number, 'probability', probability_text,
        'not a percentage from 0 to 100'
    FROM import_history_rows
    WHERE (probability IS NULL AND NOT import_blank(probability_text))
       OR probability NOT BETWEEN 0 AND 100
)

SELECT 'deals' AS role, * FROM deal_checks
UNION ALL SELECT * FROM duplicates
UNION ALL SELECT * FROM history_checks
UNION ALL
SELECT 'people', row_number, 'name', name, 'no name'
FROM staged_people WHERE import_blank(name)
UNION ALL
SELECT 'accounts', row_number, 'name', name, 'no account name'
FROM staged_accounts WHERE import_blank(name)
UNION ALL
SELECT 'roles', row_number, 'name', name, 'no role name'
FROM staged_roles WHERE import_blank(name)
UNION ALL
SELECT 'products', row_number, 'price', price, 'not an amount of 0 to 1,000,000,000,000'
FROM staged_products
WHERE NOT import_blank(price)
  AND (import_amount(price) IS NULL OR import_amount(price) NOT BETWEEN 0 AND 1000000000000)
