-- Open deals with a CRM id that an import's files did not contain. Each waits for an
-- admin to close it as lost or keep it open; an import that holds it again clears it.
-- Nothing is closed without that decision.
CREATE TABLE missing_deals (
    deal_id BIGINT PRIMARY KEY,
    import_id INTEGER NOT NULL,
    kept_at TIMESTAMP,
    kept_by INTEGER
);
