-- Prorating monthly quotas over a date range [range_start, range_end), exact to the cent.
-- A month wholly inside the range counts in full; a partly covered one counts its
-- amount x covered days / days in the month. Each month's share is an integer: cents x
-- covered days x (377,580 / days in the month), 377,580 being the least common multiple
-- of 28, 29, 30 and 31, so summing shares loses nothing; prorated() divides once and
-- rounds half up, as pipeline.periods.prorated_quota does.
CREATE MACRO quota_share(amount, month, range_start, range_end) AS
    CAST(amount * 100 AS HUGEINT)
    * greatest(0, date_diff('day', greatest(range_start, month),
                            least(range_end, CAST(month + INTERVAL 1 MONTH AS DATE))))
    * (377580 // date_diff('day', month, CAST(month + INTERVAL 1 MONTH AS DATE)));

CREATE MACRO prorated(share_total) AS
    CAST(CAST((2 * share_total + 377580) // 755160 AS DECIMAL(38, 0)) * 0.01 AS DECIMAL(18, 2));

-- A ratio such as attainment (won / quota) as a float; NULL without a positive
-- denominator (no quota, or a zero one).
CREATE MACRO ratio_of(numerator, denominator) AS
    CASE WHEN denominator > 0 THEN CAST(numerator AS DOUBLE) / CAST(denominator AS DOUBLE) END;
