-- What the funnel can be cut by: the segments of accounts and the sources of deals.
SELECT 'segment' AS cut, segment AS value FROM accounts WHERE segment IS NOT NULL
UNION
SELECT 'source', source FROM deals WHERE source IS NOT NULL
ORDER BY cut, value
