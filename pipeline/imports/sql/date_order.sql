-- How the file set's slashed dates read: distinct values that parse only month-first,
-- only day-first, or either way (ambiguous), with an example of the last kind.
SELECT
    count(*) FILTER (WHERE month_first AND NOT day_first) AS only_month_first,
    count(*) FILTER (WHERE day_first AND NOT month_first) AS only_day_first,
    count(*) FILTER (WHERE day_first AND month_first) AS either,
    any_value(value) FILTER (WHERE day_first AND month_first) AS example
FROM (
    SELECT
        value,
        import_when_shaped(value, shape || 'M') IS NOT NULL AS month_first,
        import_when_shaped(value, shape || 'D') IS NOT NULL AS day_first
    FROM import_date_texts
    WHERE starts_with(shape, 's')
)
