-- The stages a deal can move to: every stage of its pipeline, in order.
SELECT id, name, position, probability, forecast_category, is_closed, is_won,
       entry_criteria, exit_checklist
FROM stages
WHERE pipeline = $pipeline
ORDER BY position
