-- Teams for the scope filter.
SELECT id, name FROM teams ORDER BY name
