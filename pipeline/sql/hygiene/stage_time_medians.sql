-- Median days a deal spends in each open stage, from deal history. A spell in a stage
-- runs from the version that entered the stage to the next version in another stage;
-- spells still running are left out (they have not ended yet).
WITH versions AS (
    SELECT
        deal_id,
        version,
        stage_id,
        valid_from,
        lag(stage_id) OVER (PARTITION BY deal_id ORDER BY version) AS previous_stage_id
    FROM deal_history
),

spells AS (
    SELECT
        stage_id,
        valid_from AS entered_at,
        lead(valid_from) OVER (PARTITION BY deal_id ORDER BY version) AS left_at
    FROM versions
    WHERE previous_stage_id IS DISTINCT FROM stage_id
)

SELECT
    stage.id AS stage_id,
    stage.name AS stage,
    median(epoch(spells.left_at - spells.entered_at) / 86400.0) AS median_days,
    count(*) AS spells
FROM spells
JOIN stages AS stage ON stage.id = spells.stage_id
WHERE spells.left_at IS NOT NULL AND NOT stage.is_closed
GROUP BY stage.id, stage.name, stage.position
ORDER BY stage.position
