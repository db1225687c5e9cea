-- Each new deal's id: the ids reserved for them ($ids, increasing), in the order of
-- their rows.
CREATE OR REPLACE TEMP TABLE import_new_ids AS
SELECT
    row_number,
    $ids[CAST(row_number() OVER (ORDER BY row_number) AS INTEGER)] AS deal_id
FROM import_deals
WHERE outcome = 'new';
