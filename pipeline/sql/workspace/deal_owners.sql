-- People a deal can be assigned to: active reps and managers, within a team's whole
-- subtree or all.
SELECT id, name, team_id
FROM users
WHERE active AND role IN ('rep', 'manager')
  AND id IN (SELECT id FROM owners_in_scope($team_id, NULL))
ORDER BY name
