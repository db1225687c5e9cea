-- Quotas: monthly plans at any node of the organisation, their roll-up, and prorating
-- them over a range of days, exact to the cent.

-- The plans of the months overlapping [range_start, range_end), by tree node.
CREATE OR REPLACE MACRO quota_plans(range_start, range_end) AS TABLE
    SELECT
        CASE
            WHEN user_id IS NOT NULL THEN 'user:' || user_id
            WHEN team_id IS NOT NULL THEN 'team:' || team_id
            ELSE 'company'
        END AS node,
        month,
        sum(amount) AS amount
    FROM quotas
    WHERE month >= date_trunc('month', range_start) AND month < range_end
    GROUP BY ALL;

-- Every node's quota for each month overlapping [range_start, range_end) that has one:
-- the node's own plan for the month when it has one, otherwise the sum of the quotas of
-- the nodes right below it, decided node by node. So a plan counts towards a node when
-- no node between them (the node itself included) has a plan of its own that month:
-- its depth below the node is less than the depth of its nearest planned ancestor.
CREATE OR REPLACE MACRO monthly_quota(range_start, range_end) AS TABLE
    WITH plans AS MATERIALIZED (
        SELECT * FROM quota_plans(range_start, range_end)
    ),

    paths AS MATERIALIZED (
        SELECT * FROM org_paths()
    ),

    -- Each plan with the nodes above it, first: joined the other way round, the
    -- optimizer paired every plan with every other plan of the same month, which
    -- grows with the square of the organisation (minutes and gigabytes at 4,000 people).
    plan_ancestors AS MATERIALIZED (
        SELECT plan.node, plan.month, path.ancestor, path.depth
        FROM plans AS plan
        JOIN paths AS path ON path.node = plan.node AND path.depth > 0
    ),

    nearest_planned_above AS (
        SELECT below.node, below.month, min(below.depth) AS depth
        FROM plan_ancestors AS below
        JOIN plans AS above ON above.node = below.ancestor AND above.month = below.month
        GROUP BY ALL
    )

    SELECT path.ancestor AS node, plan.month, sum(plan.amount) AS amount
    FROM plans AS plan
    JOIN paths AS path ON path.node = plan.node
    LEFT JOIN nearest_planned_above AS shadow
        ON shadow.node = plan.node AND shadow.month = plan.month
    WHERE shadow.depth IS NULL OR path.depth < shadow.depth
    GROUP BY ALL;

-- A month's share of a quota over [range_start, range_end), as an integer: cents x days
-- covered x (377,580 / days in the month), 377,580 being the least common multiple of
-- 28, 29, 30 and 31, so summing shares loses nothing. A month wholly inside the range
-- counts in full; a partly covered one counts amount x covered days / days in month.
CREATE OR REPLACE MACRO quota_share(amount, month, range_start, range_end) AS
    CAST(amount * 100 AS HUGEINT)
    * greatest(0, date_diff('day', greatest(range_start, month),
                            least(range_end, CAST(month + INTERVAL 1 MONTH AS DATE))))
    * (377580 // date_diff('day', month, CAST(month + INTERVAL 1 MONTH AS DATE)));

-- The sum of shares as an amount: divided once and rounded half up to the cent.
CREATE OR REPLACE MACRO prorated(share_total) AS
    CAST(CAST((2 * share_total + 377580) // 755160 AS DECIMAL(38, 0)) * 0.01 AS DECIMAL(18, 2));

-- A ratio such as attainment (won / quota) as a float; NULL without a positive
-- denominator (no quota, or a zero one).
CREATE OR REPLACE MACRO ratio_of(numerator, denominator) AS
    CASE WHEN denominator > 0 THEN CAST(numerator AS DOUBLE) / CAST(denominator AS DOUBLE) END;
