-- Win rate, both ways, and what sales velocity needs, for the scope and cut (deals as
-- they stand now): deals closed in [$start, $end) won and lost, with the won amount and
-- the days from creation to the win; deals created in [$start, $end) and how many of
-- them are won or lost by now; the open deals now.
WITH cut AS (
    SELECT deal.*
    FROM deals AS deal
    LEFT JOIN accounts AS account ON account.id = deal.account_id
    WHERE in_scope(deal.owner_id, $team_id, $owner_id)
      AND in_cut(account.segment, deal.deal_type, deal.source, deal.amount, $segment,
                 $deal_type, $source, $size, $large_from)
)

SELECT
    count(*) FILTER (WHERE status = 'won' AND closed_at >= $start AND closed_at < $end)
        AS won,
    count(*) FILTER (WHERE status = 'lost' AND closed_at >= $start AND closed_at < $end)
        AS lost,
    coalesce(sum(amount) FILTER (WHERE status = 'won' AND closed_at >= $start
                                 AND closed_at < $end), 0) AS won_amount,
    avg(epoch(closed_at - created_at) / 86400.0)
        FILTER (WHERE status = 'won' AND closed_at >= $start AND closed_at < $end)
        AS cycle_mean_days,
    median(epoch(closed_at - created_at) / 86400.0)
        FILTER (WHERE status = 'won' AND closed_at >= $start AND closed_at < $end)
        AS cycle_median_days,
    count(*) FILTER (WHERE created_at >= $start AND created_at < $end) AS created,
    count(*) FILTER (WHERE created_at >= $start AND created_at < $end AND status = 'won')
        AS created_won,
    count(*) FILTER (WHERE created_at >= $start AND created_at < $end AND status = 'lost')
        AS created_lost,
    count(*) FILTER (WHERE status = 'open') AS open_deals
FROM cut
