-- Saved pipeline reviews: whose pipeline (a team's subtree, or one rep for a 1:1), the
-- window of changes discussed, the quarter in focus, who attended; each agenda deal's
-- note and decision, and action items (with an owner and a due date) that can be
-- marked done later.
ALTER TABLE reviews ADD COLUMN owner_id INTEGER;
ALTER TABLE reviews ADD COLUMN window_start TIMESTAMP;
ALTER TABLE reviews ADD COLUMN window_end TIMESTAMP;
ALTER TABLE reviews ADD COLUMN quarter_start DATE;
ALTER TABLE reviews ADD COLUMN attendees VARCHAR;
ALTER TABLE reviews ADD COLUMN saved_at TIMESTAMP;

-- kind: 'deal' (an agenda deal: position, note, decision) or 'action' (action_item,
-- owner_id, due_date, done_at/done_by; deal_id when it is about one deal).
ALTER TABLE review_items ADD COLUMN kind VARCHAR DEFAULT 'deal';
ALTER TABLE review_items ADD COLUMN position INTEGER;
ALTER TABLE review_items ADD COLUMN done_by INTEGER;
