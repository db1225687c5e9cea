-- The deals behind the waterfall: the scope's pipeline changes in the window
-- (pipeline_changes), those of one bar ($category; 'stage moved back' for the deals
-- whose stage went back; NULL for all), largest change first, with names.
SELECT
    changes.*,
    deal.name,
    stage_from.name AS stage_name_before, stage_to.name AS stage_name_after,
    owner_from.name AS owner_name_before, owner_to.name AS owner_name_after,
    coalesce(stage_to.position < stage_from.position, false) AS moved_back
FROM pipeline_changes($window_start, $window_end, $start, $end, $team_id, $owner_id)
    AS changes
JOIN deals AS deal ON deal.id = changes.deal_id
LEFT JOIN stages AS stage_from ON stage_from.id = changes.stage_before
LEFT JOIN stages AS stage_to ON stage_to.id = changes.stage_after
LEFT JOIN users AS owner_from ON owner_from.id = changes.owner_before
LEFT JOIN users AS owner_to ON owner_to.id = changes.owner_after
WHERE $category IS NULL
   OR changes.category = $category
   OR ($category = 'stage moved back' AND stage_to.position < stage_from.position)
ORDER BY abs(changes.change) DESC, changes.deal_id
LIMIT $limit
