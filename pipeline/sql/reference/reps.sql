-- Reps for the scope filter, optionally within one team's whole subtree.
SELECT id, name, team_id
FROM users
WHERE role = 'rep' AND id IN (SELECT id FROM owners_in_scope($team_id, NULL))
ORDER BY name
