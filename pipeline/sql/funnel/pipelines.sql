-- The pipelines deals run through, the default first.
SELECT DISTINCT pipeline, pipeline = 'default' AS is_default
FROM stages
ORDER BY is_default DESC, pipeline
