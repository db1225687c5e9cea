-- Teams for the scope filter, in tree order (parents before children, siblings by
-- name), with their depth below the company and their path of names.
SELECT team_id AS id, name, parent_id, depth, array_to_string(path, ' › ') AS path
FROM team_tree()
ORDER BY path
