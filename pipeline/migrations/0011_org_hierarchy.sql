-- Teams nest: a team may sit under a parent (a region, a division), to any depth. A
-- team without a parent hangs directly under the company. Every scope (filters, quota
-- plans, attainment tables, permissions) reads the tree through the org macros in
-- pipeline/sql/staging.
ALTER TABLE teams ADD COLUMN parent_id INTEGER;
