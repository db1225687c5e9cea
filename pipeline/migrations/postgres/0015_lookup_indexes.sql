-- Indexes for the reads that want a few rows of a large table. DuckDB hands PostgreSQL
-- each scan's filters; without these, PostgreSQL reads the whole table to answer them
-- (1M deals, 4.6M versions, 10M activities):
-- a deal's activities, as the deal form lists them (~800 ms -> ~30 ms);
CREATE INDEX activities_deal_id ON activities (deal_id);
-- the activities of a period (Activities & health: counts, first response);
CREATE INDEX activities_done_at ON activities (done_at);
-- the versions that began or ended in a review's window (pipeline_changes; a week of
-- changes: ~2.4 s -> ~120 ms).
CREATE INDEX deal_history_valid_from ON deal_history (valid_from);
CREATE INDEX deal_history_valid_to ON deal_history (valid_to);
