-- How many activities have been done on each deal, kept on the deal (as its last
-- activity is) so no page counts ten million activities per view: logging an activity
-- adds one, and rebuilding the current deals from history counts them.
ALTER TABLE deals ADD COLUMN touches INTEGER DEFAULT 0;

UPDATE deals SET touches = counted.activities
FROM (
    SELECT deal_id, count(*) AS activities
    FROM activities
    WHERE deal_id IS NOT NULL AND done_at IS NOT NULL
    GROUP BY deal_id
) AS counted
WHERE counted.deal_id = deals.id;
