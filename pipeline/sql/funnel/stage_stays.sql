-- Days in each open stage of $pipeline, from the history of the scope's deals (their
-- owner now): completed stays only (a stay runs from the version entering the stage to
-- the next version in another stage), median and 75th percentile.
WITH versions AS (
    SELECT
        history.deal_id,
        history.version,
        history.stage_id,
        history.valid_from,
        lag(history.stage_id) OVER (PARTITION BY history.deal_id ORDER BY history.version)
            AS previous_stage_id
    FROM deal_history AS history
    WHERE history.deal_id IN (SELECT id FROM deals WHERE in_scope(owner_id, $team_id, $owner_id))
),

stays AS (
    SELECT
        stage_id,
        epoch(lead(valid_from) OVER (PARTITION BY deal_id ORDER BY version) - valid_from)
            / 86400.0 AS days
    FROM versions
    WHERE previous_stage_id IS DISTINCT FROM stage_id
),

completed AS (
    SELECT stage_id, median(days) AS median_days, quantile_cont(days, 0.75) AS p75_days,
           count(*) AS stays
    FROM stays
    WHERE days IS NOT NULL
    GROUP BY stage_id
)

SELECT stage.id AS stage_id, stage.name AS stage, completed.median_days, completed.p75_days,
       coalesce(completed.stays, 0) AS stays
FROM stages AS stage
LEFT JOIN completed ON completed.stage_id = stage.id
WHERE stage.pipeline = $pipeline AND NOT stage.is_closed
ORDER BY stage.position
