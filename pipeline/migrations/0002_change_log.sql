-- Every write appends one row here: an audit trail of who changed what and when.
-- Its highest id is the data version that cached results are keyed by. Appending
-- (rather than updating one counter row) lets concurrent writers never conflict on it.
CREATE SEQUENCE change_ids;
CREATE TABLE change_log (
    id BIGINT PRIMARY KEY DEFAULT nextval('change_ids'),
    changed_at TIMESTAMP NOT NULL,
    user_id INTEGER,
    kind VARCHAR NOT NULL,
    deal_id BIGINT,
    summary VARCHAR
);

INSERT INTO change_log (changed_at, kind, summary)
VALUES (CAST(now() AS TIMESTAMP), 'schema', 'Change log started');

-- A logged activity's free-text note (subject stays for imported e-mail subjects).
ALTER TABLE activities ADD COLUMN note VARCHAR;
