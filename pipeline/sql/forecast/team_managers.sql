-- Every team with its parent and manager, for rolling up the managers' calls.
SELECT tree.team_id, tree.name, tree.parent_id, tree.depth, team.manager_id
FROM team_tree() AS tree
JOIN teams AS team ON team.id = tree.team_id
ORDER BY tree.path
