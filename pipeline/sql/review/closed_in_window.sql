-- Deals of the scope won or lost in the window [$window_start, $window_end) (close time,
-- as the deals stand at its end), and deals created in it; with owner, stage, amount,
-- reason and account: the $limit largest of each kind, and how many the kind holds.
WITH deals AS (
    SELECT * FROM deals_as_of($window_end, $end_is_current)
),

kinds AS (
    SELECT
        CASE WHEN deal.status = 'won' AND deal.closed_at >= $window_start THEN 'won'
             WHEN deal.status = 'lost' AND deal.closed_at >= $window_start THEN 'lost'
             ELSE 'new' END AS kind,
        deal.deal_id AS id,
        deal.name,
        owner.name AS owner,
        stage.name AS stage,
        deal.amount,
        deal.close_date,
        deal.closed_at,
        deal.created_at,
        deal.lost_reason,
        account.name AS account
    FROM deals AS deal
    JOIN users AS owner ON owner.id = deal.owner_id
    JOIN stages AS stage ON stage.id = deal.stage_id
    LEFT JOIN accounts AS account ON account.id = deal.account_id
    WHERE in_scope(deal.owner_id, $team_id, $owner_id)
      AND ((deal.status IN ('won', 'lost') AND deal.closed_at >= $window_start
            AND deal.closed_at < $window_end)
           OR (deal.created_at >= $window_start AND deal.created_at < $window_end))
)

SELECT kinds.*, count(*) OVER (PARTITION BY kind) AS in_window
FROM kinds
QUALIFY row_number() OVER (PARTITION BY kind ORDER BY amount DESC NULLS LAST, id) <= $limit
ORDER BY kind, amount DESC NULLS LAST, id
