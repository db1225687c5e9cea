-- When the latest deal version began: after it, the deals table is the state as of
-- any instant (see the deals_as_of macro).
SELECT max(valid_from) AS last_change FROM deal_history
