-- Imports from CRM exports. A person or account keeps the id its CRM gave it, so a
-- re-import finds it again; every import run is logged with what it did.
ALTER TABLE users ADD COLUMN external_id VARCHAR;

CREATE SEQUENCE import_ids;
CREATE TABLE imports (
    id INTEGER PRIMARY KEY DEFAULT nextval('import_ids'),
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    user_id INTEGER,
    source VARCHAR NOT NULL,
    files VARCHAR NOT NULL,
    rows_read BIGINT NOT NULL,
    deals_added BIGINT NOT NULL,
    deals_changed BIGINT NOT NULL,
    deals_unchanged BIGINT NOT NULL,
    deals_closed_missing BIGINT NOT NULL,
    versions_added BIGINT NOT NULL,
    notes VARCHAR
);

INSERT INTO settings VALUES ('segment_threshold', '100000')
ON CONFLICT DO NOTHING;
