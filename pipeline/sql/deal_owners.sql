-- People a deal can be assigned to: active reps and managers, within a team or all.
SELECT id, name, team_id
FROM users
WHERE active AND role IN ('rep', 'manager') AND ($team_id IS NULL OR team_id = $team_id)
ORDER BY name
