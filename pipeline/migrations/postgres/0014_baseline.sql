-- The whole data model on PostgreSQL, as the DuckDB migrations 0001-0014 leave a file
-- (same tables, columns, types and checks), with what a shared store needs besides:
-- real primary keys, unique constraints and sequence-backed ids. A later migration
-- NNNN_*.sql in pipeline/migrations gets its PostgreSQL twin here under the same
-- number. Amounts are exact decimals; timestamps carry no time zone, as in the file.

CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);

CREATE TABLE settings (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);

INSERT INTO settings VALUES
    ('fiscal_year_start_month', '1'),
    ('currency', 'USD'),
    ('stale_after_days', '14'),
    ('coverage_target', '3'),
    ('auth_mode', 'password'),
    ('segment_threshold', '100000');

CREATE SEQUENCE team_ids;
CREATE TABLE teams (
    id INTEGER PRIMARY KEY DEFAULT nextval('team_ids'),
    name VARCHAR NOT NULL UNIQUE,
    manager_id INTEGER,
    parent_id INTEGER
);

CREATE SEQUENCE user_ids;
CREATE TABLE users (
    id INTEGER PRIMARY KEY DEFAULT nextval('user_ids'),
    name VARCHAR NOT NULL,
    email VARCHAR NOT NULL UNIQUE,
    role VARCHAR NOT NULL CHECK (role IN ('rep', 'manager', 'executive', 'admin')),
    team_id INTEGER,
    manager_id INTEGER,
    active BOOLEAN NOT NULL DEFAULT true,
    password_hash VARCHAR,
    external_id VARCHAR,
    ote DECIMAL(18, 2)
);

CREATE SEQUENCE stage_ids;
CREATE TABLE stages (
    id INTEGER PRIMARY KEY DEFAULT nextval('stage_ids'),
    pipeline VARCHAR NOT NULL DEFAULT 'default',
    position INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    probability DECIMAL(5, 4) NOT NULL CHECK (probability BETWEEN 0 AND 1),
    forecast_category VARCHAR NOT NULL
        CHECK (forecast_category IN ('Pipeline', 'Best Case', 'Commit', 'Omitted', 'Closed')),
    is_closed BOOLEAN NOT NULL DEFAULT false,
    is_won BOOLEAN NOT NULL DEFAULT false,
    entry_criteria VARCHAR,
    exit_checklist VARCHAR,
    UNIQUE (pipeline, name)
);

CREATE SEQUENCE account_ids;
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY DEFAULT nextval('account_ids'),
    name VARCHAR NOT NULL,
    segment VARCHAR,
    industry VARCHAR,
    is_customer BOOLEAN NOT NULL DEFAULT false,
    external_id VARCHAR
);

CREATE SEQUENCE deal_ids;
CREATE TABLE deals (
    id BIGINT PRIMARY KEY DEFAULT nextval('deal_ids'),
    external_id VARCHAR,
    name VARCHAR NOT NULL,
    account_id INTEGER,
    owner_id INTEGER NOT NULL,
    stage_id INTEGER NOT NULL,
    status VARCHAR NOT NULL CHECK (status IN ('open', 'won', 'lost')),
    amount DECIMAL(18, 2),
    currency VARCHAR NOT NULL DEFAULT 'USD',
    probability_override DECIMAL(5, 4) CHECK (probability_override BETWEEN 0 AND 1),
    forecast_category VARCHAR
        CHECK (forecast_category IN ('Pipeline', 'Best Case', 'Commit', 'Omitted', 'Closed')),
    deal_type VARCHAR NOT NULL DEFAULT 'new'
        CHECK (deal_type IN ('new', 'expansion', 'renewal')),
    source VARCHAR,
    created_at TIMESTAMP NOT NULL,
    close_date DATE,
    closed_at TIMESTAMP,
    lost_reason VARCHAR,
    next_step VARCHAR,
    next_step_due DATE,
    obstacle VARCHAR,
    notes VARCHAR,
    last_activity_at TIMESTAMP,
    stage_entered_at TIMESTAMP NOT NULL,
    push_count INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL,
    updated_by INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    touches INTEGER DEFAULT 0,
    qualification VARCHAR,
    cost DECIMAL(18, 2)
);

-- Every version of every deal; (deal_id, version) is unique, so two replicas writing
-- the same deal's next version cannot both commit.
CREATE TABLE deal_history (
    deal_id BIGINT NOT NULL,
    version INTEGER NOT NULL,
    valid_from TIMESTAMP NOT NULL,
    valid_to TIMESTAMP,
    changed_by INTEGER,
    change_source VARCHAR NOT NULL CHECK (change_source IN ('demo', 'import', 'edit')),
    external_id VARCHAR,
    name VARCHAR NOT NULL,
    account_id INTEGER,
    owner_id INTEGER NOT NULL,
    stage_id INTEGER NOT NULL,
    status VARCHAR NOT NULL,
    amount DECIMAL(18, 2),
    currency VARCHAR NOT NULL DEFAULT 'USD',
    probability_override DECIMAL(5, 4),
    forecast_category VARCHAR,
    deal_type VARCHAR NOT NULL DEFAULT 'new',
    source VARCHAR,
    created_at TIMESTAMP NOT NULL,
    close_date DATE,
    closed_at TIMESTAMP,
    lost_reason VARCHAR,
    next_step VARCHAR,
    next_step_due DATE,
    obstacle VARCHAR,
    notes VARCHAR,
    qualification VARCHAR,
    cost DECIMAL(18, 2),
    PRIMARY KEY (deal_id, version)
);

CREATE TABLE won_deals (
    deal_id BIGINT PRIMARY KEY,
    owner_id INTEGER NOT NULL,
    closed_at TIMESTAMP,
    amount DECIMAL(18, 2)
);

CREATE TABLE open_deals (
    deal_id BIGINT PRIMARY KEY,
    owner_id INTEGER NOT NULL,
    stage_id INTEGER NOT NULL,
    close_date DATE,
    forecast_category VARCHAR,
    probability_override DECIMAL(5, 4),
    amount DECIMAL(18, 2)
);

CREATE TABLE history_clock (last_change TIMESTAMP);
INSERT INTO history_clock VALUES (NULL);

CREATE TABLE quotas (
    user_id INTEGER,
    team_id INTEGER,
    month DATE NOT NULL CHECK (extract(day FROM month) = 1),
    amount DECIMAL(18, 2) NOT NULL CHECK (amount >= 0),
    CHECK (user_id IS NULL OR team_id IS NULL)
);

CREATE SEQUENCE activity_ids;
CREATE TABLE activities (
    id BIGINT PRIMARY KEY DEFAULT nextval('activity_ids'),
    deal_id BIGINT,
    account_id INTEGER,
    owner_id INTEGER NOT NULL,
    kind VARCHAR NOT NULL CHECK (kind IN ('call', 'email', 'meeting', 'demo', 'note', 'task')),
    outcome VARCHAR,
    subject VARCHAR,
    due_at TIMESTAMP,
    done_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    note VARCHAR
);

CREATE SEQUENCE forecast_call_ids;
CREATE TABLE forecast_calls (
    id INTEGER PRIMARY KEY DEFAULT nextval('forecast_call_ids'),
    user_id INTEGER NOT NULL,
    quarter_start DATE NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    commit_amount DECIMAL(18, 2) NOT NULL,
    best_case_amount DECIMAL(18, 2) NOT NULL,
    note VARCHAR
);

CREATE SEQUENCE review_ids;
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY DEFAULT nextval('review_ids'),
    team_id INTEGER,
    review_date DATE NOT NULL,
    created_by INTEGER,
    notes VARCHAR,
    owner_id INTEGER,
    window_start TIMESTAMP,
    window_end TIMESTAMP,
    quarter_start DATE,
    attendees VARCHAR,
    saved_at TIMESTAMP
);

CREATE SEQUENCE review_item_ids;
CREATE TABLE review_items (
    id INTEGER PRIMARY KEY DEFAULT nextval('review_item_ids'),
    review_id INTEGER NOT NULL,
    deal_id BIGINT,
    note VARCHAR,
    decision VARCHAR,
    action_item VARCHAR,
    owner_id INTEGER,
    due_date DATE,
    done_at TIMESTAMP,
    kind VARCHAR DEFAULT 'deal',
    position INTEGER,
    done_by INTEGER
);

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
VALUES (localtimestamp, 'schema', 'Change log started');

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

CREATE TABLE missing_deals (
    deal_id BIGINT PRIMARY KEY,
    import_id INTEGER NOT NULL,
    kept_at TIMESTAMP,
    kept_by INTEGER
);

INSERT INTO meta VALUES ('instance', gen_random_uuid()::text);
