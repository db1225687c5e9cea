-- The latest imports, newest first, with who ran them.
SELECT
    i.finished_at, i.source, i.files, i.rows_read, i.deals_added, i.deals_changed,
    i.deals_unchanged, i.versions_added, u.name AS imported_by, i.notes
FROM imports AS i
LEFT JOIN users AS u ON u.id = i.user_id
ORDER BY i.id DESC
LIMIT $limit
