-- Won revenue per period: the amount of deals won with closed_at inside each
-- [start, end) range, as the deals stood at the end of the as-of day, for the deals of
-- the scope (a team's whole subtree, or one person). Every bound is a midnight, so the
-- deals are first summed per day (a few hundred rows), and the days then fall into the
-- periods.
WITH periods AS (
    SELECT
        unnest($period_kinds) AS period,
        unnest($period_starts) AS start_day,
        unnest($period_ends) AS end_day
),

won_by_day AS (
    SELECT CAST(deal.closed_at AS DATE) AS day, sum(deal.amount) AS won, count(*) AS won_deals
    FROM won_as_of($as_of_end, $current) AS deal
    WHERE deal.closed_at >= list_min($period_starts)
      AND deal.closed_at < list_max($period_ends)
      AND in_scope(deal.owner_id, $team_id, $owner_id)
    GROUP BY day
)

SELECT
    periods.period,
    coalesce(sum(won_by_day.won), 0) AS won,
    CAST(coalesce(sum(won_by_day.won_deals), 0) AS BIGINT) AS won_deals
FROM periods
LEFT JOIN won_by_day
    ON won_by_day.day >= periods.start_day AND won_by_day.day < periods.end_day
GROUP BY periods.period
