-- Every version of a deal, oldest first, with who made it.
SELECT history.*, editor.name AS changed_by_name
FROM deal_history AS history
LEFT JOIN users AS editor ON editor.id = history.changed_by
WHERE history.deal_id = $deal_id
ORDER BY history.version
