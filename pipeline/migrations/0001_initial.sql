-- The whole data model. Amounts are exact decimals; probabilities are fractions 0..1.
-- Referential integrity is enforced by the write path (pipeline/deals.py), not by
-- foreign keys: DuckDB turns an UPDATE of a referenced row into delete + insert.

CREATE TABLE settings (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

INSERT INTO settings VALUES
    ('fiscal_year_start_month', '1'),
    ('currency', 'USD'),
    ('stale_after_days', '14'),
    ('coverage_target', '3'),
    ('auth_mode', 'password');

CREATE SEQUENCE team_ids;
CREATE TABLE teams (
    id INTEGER PRIMARY KEY DEFAULT nextval('team_ids'),
    name VARCHAR NOT NULL UNIQUE,
    manager_id INTEGER
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
    password_hash VARCHAR
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

-- Current state of every deal: the hot table every page reads. Its row always equals
-- the deal's open version in deal_history (valid_to IS NULL).
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
    -- Denormalised so hot queries need no scan of activities or history.
    last_activity_at TIMESTAMP,
    stage_entered_at TIMESTAMP NOT NULL,
    push_count INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL,
    updated_by INTEGER,
    version INTEGER NOT NULL DEFAULT 1
);

-- Every version of every deal. A version is valid on [valid_from, valid_to);
-- valid_to IS NULL marks the current one. changed_by NULL means the system
-- (demo generator or import).
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
    PRIMARY KEY (deal_id, version)
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
    created_at TIMESTAMP NOT NULL
);

-- Monthly quotas. A row belongs to a rep (user_id), a team (team_id) or, with both
-- NULL, the whole company. month is the first day of the calendar month.
CREATE TABLE quotas (
    user_id INTEGER,
    team_id INTEGER,
    month DATE NOT NULL CHECK (day(month) = 1),
    amount DECIMAL(18, 2) NOT NULL CHECK (amount >= 0),
    CHECK (user_id IS NULL OR team_id IS NULL)
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
    notes VARCHAR
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
    done_at TIMESTAMP
);
