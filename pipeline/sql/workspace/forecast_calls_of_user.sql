-- One person's forecast calls for a quarter, one per week, oldest first.
SELECT
    CAST(date_trunc('week', submitted_at) AS DATE) AS week_of,
    submitted_at,
    commit_amount,
    best_case_amount,
    note
FROM forecast_calls
WHERE user_id = $user_id AND quarter_start = $quarter_start
ORDER BY submitted_at
