-- Every distinct date text of the staged files, with its form (see import_shape_of;
-- the order letter is added once the order is decided). Dates repeat, so each form is
-- worked out once per distinct text rather than once per row.
CREATE OR REPLACE TEMP TABLE import_date_texts AS
WITH texts AS (
    SELECT close_date AS value FROM staged_deals
    UNION SELECT created_at FROM staged_deals
    UNION SELECT closed_at FROM staged_deals
    UNION SELECT modified_at FROM staged_deals
    UNION SELECT changed_at FROM staged_history
    UNION SELECT close_date FROM staged_history
)
SELECT
    value,
    CASE
        WHEN substr(trim(value), 5, 1) = '-' THEN 'iso'
        ELSE import_date_shape(trim(value))
    END AS shape
FROM texts
WHERE NOT import_blank(value)
