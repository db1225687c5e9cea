-- One text table per kind of file, holding the mapped columns of every row read; its
-- row_number is the row in the file as a spreadsheet shows it (header = row 1). The
-- columns follow pipeline/imports/fields.py (a test keeps the two in step).
CREATE OR REPLACE TEMP TABLE staged_deals (
    row_number BIGINT, external_id VARCHAR, name VARCHAR, account VARCHAR, owner VARCHAR,
    stage VARCHAR, status VARCHAR, is_closed VARCHAR, is_won VARCHAR, amount VARCHAR,
    currency VARCHAR, close_date VARCHAR, created_at VARCHAR, closed_at VARCHAR,
    modified_at VARCHAR, probability VARCHAR, forecast_category VARCHAR, deal_type VARCHAR,
    source VARCHAR, next_step VARCHAR, lost_reason VARCHAR, notes VARCHAR, pipeline VARCHAR,
    product VARCHAR, cost VARCHAR, qualification VARCHAR
);

CREATE OR REPLACE TEMP TABLE staged_history (
    row_number BIGINT, deal_external_id VARCHAR, changed_at VARCHAR, stage VARCHAR, amount VARCHAR,
    close_date VARCHAR, probability VARCHAR, forecast_category VARCHAR
);

CREATE OR REPLACE TEMP TABLE staged_people (
    row_number BIGINT, external_id VARCHAR, name VARCHAR, email VARCHAR, team VARCHAR,
    manager VARCHAR, active VARCHAR, region VARCHAR, role_id VARCHAR
);

CREATE OR REPLACE TEMP TABLE staged_accounts (
    row_number BIGINT, external_id VARCHAR, name VARCHAR, industry VARCHAR, segment VARCHAR
);

CREATE OR REPLACE TEMP TABLE staged_products (
    row_number BIGINT, name VARCHAR, price VARCHAR
);

CREATE OR REPLACE TEMP TABLE staged_roles (
    row_number BIGINT, external_id VARCHAR, name VARCHAR, parent_id VARCHAR
);
