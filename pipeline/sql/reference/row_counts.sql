-- How many rows each table holds.
SELECT 'teams' AS table_name, count(*) AS row_count FROM teams
UNION ALL SELECT 'users', count(*) FROM users
UNION ALL SELECT 'accounts', count(*) FROM accounts
UNION ALL SELECT 'deals', count(*) FROM deals
UNION ALL SELECT 'deal_history', count(*) FROM deal_history
UNION ALL SELECT 'activities', count(*) FROM activities
UNION ALL SELECT 'quotas', count(*) FROM quotas
UNION ALL SELECT 'forecast_calls', count(*) FROM forecast_calls
UNION ALL SELECT 'reviews', count(*) FROM reviews
