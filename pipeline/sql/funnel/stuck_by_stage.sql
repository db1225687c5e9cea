-- The scope's open deals in each open stage of $pipeline now, and how many are stuck
-- (is_stuck: longer in the stage than the stuck factor x its median stay).
WITH open_now AS (
    SELECT
        stage_id,
        count(*) AS open_deals,
        count(*) FILTER (WHERE is_stuck(stage_entered_at, stage_id, $now, $stuck_factor,
                                        $median_stage_ids, $median_days)) AS stuck
    FROM deals
    WHERE status = 'open' AND in_scope(owner_id, $team_id, $owner_id)
    GROUP BY stage_id
)

SELECT stage.id AS stage_id, stage.name AS stage, coalesce(open_now.open_deals, 0) AS open_deals,
       coalesce(open_now.stuck, 0) AS stuck
FROM stages AS stage
LEFT JOIN open_now ON open_now.stage_id = stage.id
WHERE stage.pipeline = $pipeline AND NOT stage.is_closed
ORDER BY stage.position
