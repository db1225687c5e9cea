-- Reps for the scope filter, optionally within one team.
SELECT id, name, team_id
FROM users
WHERE role = 'rep' AND ($team_id IS NULL OR team_id = $team_id)
ORDER BY name
