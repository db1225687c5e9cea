-- Accounts: every account the accounts file lists and every account value the deal
-- file names (an id from the accounts file, or a name). Each is matched to an existing
-- account by external id, else by name (loosely); the rest are inserted. Result:
-- import_account_ids, deal file value -> account id.
CREATE OR REPLACE TEMP TABLE import_account_values AS
WITH listed AS (
    SELECT
        nullif(trim(external_id), '') AS external_id,
        trim(name) AS name,
        nullif(trim(industry), '') AS industry,
        nullif(trim(segment), '') AS segment,
        import_key(name) AS name_key,
        row_number
    FROM staged_accounts
    WHERE NOT import_blank(name)
    QUALIFY row_number() OVER (PARTITION BY coalesce(external_id, name_key)
                               ORDER BY row_number) = 1
),

named AS (
    SELECT DISTINCT account FROM import_rows WHERE account IS NOT NULL
),

from_deals AS (
    SELECT
        named.account,
        -- A value found in neither is kept as the id too: a re-import without the
        -- accounts file then still finds the account by it.
        coalesce(by_id.external_id, by_name.external_id,
                 CASE WHEN by_name.name IS NULL THEN named.account END) AS external_id,
        coalesce(by_id.name, by_name.name, named.account) AS name,
        coalesce(by_id.industry, by_name.industry) AS industry,
        coalesce(by_id.segment, by_name.segment) AS segment
    FROM named
    LEFT JOIN listed AS by_id ON by_id.external_id = named.account
    LEFT JOIN (
        SELECT * FROM listed
        QUALIFY row_number() OVER (PARTITION BY name_key ORDER BY row_number) = 1
    ) AS by_name ON by_name.name_key = import_key(named.account) AND by_id.name IS NULL
)

SELECT * FROM from_deals
UNION ALL
SELECT NULL, external_id, name, industry, segment
FROM listed
WHERE NOT EXISTS (
    SELECT 1 FROM from_deals
    WHERE from_deals.external_id IS NOT DISTINCT FROM listed.external_id
      AND import_key(from_deals.name) = listed.name_key
);

INSERT INTO accounts (name, industry, segment, external_id)
SELECT
    arg_min(name, name) AS name,
    arg_min(industry, name) AS industry,
    arg_min(segment, name) AS segment,
    arg_min(external_id, name) AS external_id
FROM import_account_values AS v
WHERE NOT EXISTS (SELECT 1 FROM accounts AS a WHERE a.external_id = v.external_id)
  AND NOT EXISTS (SELECT 1 FROM accounts AS a WHERE import_key(a.name) = import_key(v.name))
GROUP BY coalesce(external_id, import_key(name));

CREATE OR REPLACE TEMP TABLE import_account_ids AS
WITH by_external AS (
    SELECT external_id, min(id) AS id FROM accounts WHERE external_id IS NOT NULL GROUP BY ALL
),
by_name AS (
    SELECT import_key(name) AS name_key, min(id) AS id FROM accounts GROUP BY ALL
)
SELECT v.account, coalesce(by_external.id, by_name.id) AS account_id
FROM import_account_values AS v
LEFT JOIN by_external ON by_external.external_id = v.external_id
LEFT JOIN by_name ON by_name.name_key = import_key(v.name)
WHERE v.account IS NOT NULL;
