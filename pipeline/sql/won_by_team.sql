-- Won revenue per team in [start, end), as of the end of the as-of day. Every team
-- in scope is listed, including teams with no reps yet.
WITH won AS (
    SELECT owner.team_id, sum(deal.amount) AS won, count(*) AS won_deals
    FROM deals_as_of($as_of_end, $current) AS deal
    JOIN users AS owner ON owner.id = deal.owner_id
    WHERE deal.status = 'won'
      AND deal.closed_at >= $start AND deal.closed_at < $end
    GROUP BY owner.team_id
),

headcount AS (
    SELECT team_id, count(*) AS reps
    FROM users
    WHERE role = 'rep'
    GROUP BY team_id
)

SELECT
    team.id AS team_id,
    team.name AS team,
    coalesce(headcount.reps, 0) AS reps,
    coalesce(won.won, 0) AS won,
    coalesce(won.won_deals, 0) AS won_deals
FROM teams AS team
LEFT JOIN won ON won.team_id = team.id
LEFT JOIN headcount ON headcount.team_id = team.id
WHERE $team_id IS NULL OR team.id = $team_id
ORDER BY team.name
