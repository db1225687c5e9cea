-- One deal's versions that began in the window [$window_start, $window_end), with the
-- version before the first of them, oldest first, and who made each.
SELECT history.*, editor.name AS changed_by_name
FROM deal_history AS history
LEFT JOIN users AS editor ON editor.id = history.changed_by
WHERE history.deal_id = $deal_id
  AND (history.valid_from >= $window_start AND history.valid_from < $window_end
       OR (history.valid_from < $window_start
           AND (history.valid_to IS NULL OR history.valid_to >= $window_start)))
ORDER BY history.version
