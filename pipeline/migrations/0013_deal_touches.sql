-- How many activities were done on each deal while it was open (up to its close), kept
-- on the deal as its last activity is, so no page counts ten million activities per
-- view: logging an activity adds one, and rebuilding the current deals from history
-- counts them.
ALTER TABLE deals ADD COLUMN touches INTEGER DEFAULT 0;

UPDATE deals SET touches = counted.activities
FROM (
    SELECT activity.deal_id, count(*) AS activities
    FROM activities AS activity
    JOIN deals AS deal ON deal.id = activity.deal_id
    WHERE activity.done_at IS NOT NULL
      AND (deal.closed_at IS NULL OR activity.done_at <= deal.closed_at)
    GROUP BY activity.deal_id
) AS counted
WHERE counted.deal_id = deals.id;
