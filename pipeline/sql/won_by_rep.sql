-- Won revenue per rep in [start, end), as of the end of the as-of day. Every rep
-- in scope is listed, with zero when they won nothing.
WITH reps AS (
    SELECT rep.id AS user_id, rep.name AS rep, team.name AS team
    FROM users AS rep
    LEFT JOIN teams AS team ON team.id = rep.team_id
    WHERE rep.role = 'rep'
      AND ($team_id IS NULL OR rep.team_id = $team_id)
      AND ($owner_id IS NULL OR rep.id = $owner_id)
),

won AS (
    SELECT deal.owner_id, sum(deal.amount) AS won, count(*) AS won_deals
    FROM deals_as_of($as_of_end, $current) AS deal
    WHERE deal.status = 'won'
      AND deal.closed_at >= $start AND deal.closed_at < $end
    GROUP BY deal.owner_id
)

SELECT
    reps.user_id,
    reps.rep,
    reps.team,
    coalesce(won.won, 0) AS won,
    coalesce(won.won_deals, 0) AS won_deals
FROM reps
LEFT JOIN won ON won.owner_id = reps.user_id
ORDER BY reps.team, reps.rep
