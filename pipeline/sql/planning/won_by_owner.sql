-- Won in [$start, $end) by each active rep in the scope (their team's whole subtree, or
-- one rep), with zero for those who won nothing, and their on-target earnings: the
-- basis of a quota plan.
SELECT person.id AS user_id, person.name, coalesce(sum(won.amount), 0) AS won, person.ote
FROM users AS person
LEFT JOIN won_deals AS won
    ON won.owner_id = person.id AND won.closed_at >= $start AND won.closed_at < $end
WHERE person.role = 'rep' AND person.active
  AND person.id IN (SELECT id FROM owners_in_scope($team_id, $owner_id))
GROUP BY person.id, person.name, person.ote
ORDER BY person.name, person.id
