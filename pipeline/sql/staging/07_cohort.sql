-- How far each deal of a cohort got: the deals of a scope and cut created in
-- [created_from, created_to) in a pipeline (as they stand now), read from their
-- history. cohort_furthest gives the any-stage count only (one pass over the
-- cohort's versions); cohort_progress adds the strict one, which needs each step's
-- first entry and costs about three times as much.
--
-- step: an open stage's place in the pipeline (1, 2, ...); a deal's visits are the
--   steps it was ever in, each with the version that first entered it.
-- furthest (any-stage): the furthest step it was ever in; the funnel counts a deal at
--   every step up to its furthest, and a won deal at every step.
-- strict_steps: the steps it passed in order: the first k steps were each visited and
--   first entered in pipeline order (a skipped step, or a step first entered after the
--   one after it, ends the run there). A won deal counts as won strictly only after
--   passing every step so.
-- Backward moves and re-entries do not count twice: only each step's first entry does.
-- The open stages of a pipeline with their step (1, 2, ...) in pipeline order.
CREATE OR REPLACE MACRO pipeline_steps(pipeline_name) AS TABLE
    SELECT id, name, row_number() OVER (ORDER BY position) AS step
    FROM stages
    WHERE pipeline = pipeline_name AND NOT is_closed;

-- The cohort itself: the deals of the scope and cut created in the window, in the
-- pipeline, as they stand now.
CREATE OR REPLACE MACRO cohort_members(created_from, created_to, pipeline_name, scope_team,
                                       scope_person, cut_segment, cut_type, cut_source,
                                       cut_size, large_from) AS TABLE
    SELECT deal.id, deal.name, deal.status, deal.amount, deal.owner_id, deal.created_at
    FROM deals AS deal
    JOIN stages AS stage ON stage.id = deal.stage_id
    LEFT JOIN accounts AS account ON account.id = deal.account_id
    WHERE deal.created_at >= created_from AND deal.created_at < created_to
      AND stage.pipeline = pipeline_name
      AND in_scope(deal.owner_id, scope_team, scope_person)
      AND in_cut(account.segment, deal.deal_type, deal.source, deal.amount, cut_segment,
                 cut_type, cut_source, cut_size, large_from);

CREATE OR REPLACE MACRO cohort_furthest(created_from, created_to, pipeline_name, scope_team,
                                        scope_person, cut_segment, cut_type, cut_source,
                                        cut_size, large_from) AS TABLE
    WITH cohort AS (
        SELECT * FROM cohort_members(created_from, created_to, pipeline_name, scope_team,
                                     scope_person, cut_segment, cut_type, cut_source,
                                     cut_size, large_from)
    ),

    steps AS (SELECT * FROM pipeline_steps(pipeline_name)),

    per_deal AS (
        SELECT history.deal_id, max(steps.step) AS furthest
        FROM deal_history AS history
        JOIN steps ON steps.id = history.stage_id
        WHERE history.deal_id IN (SELECT id FROM cohort)
          -- every version carries its deal's creation time: a cheap first cut
          AND history.created_at >= created_from AND history.created_at < created_to
        GROUP BY history.deal_id
    )

    SELECT cohort.*, coalesce(per_deal.furthest, 0) AS furthest,
           (SELECT count(*) FROM steps) AS steps
    FROM cohort
    LEFT JOIN per_deal ON per_deal.deal_id = cohort.id;

CREATE OR REPLACE MACRO cohort_progress(created_from, created_to, pipeline_name, scope_team,
                                        scope_person, cut_segment, cut_type, cut_source,
                                        cut_size, large_from) AS TABLE
    WITH cohort AS (
        SELECT * FROM cohort_members(created_from, created_to, pipeline_name, scope_team,
                                     scope_person, cut_segment, cut_type, cut_source,
                                     cut_size, large_from)
    ),

    steps AS (SELECT * FROM pipeline_steps(pipeline_name)),

    visits AS (
        SELECT history.deal_id, steps.step, min(history.version) AS first_version
        FROM deal_history AS history
        JOIN steps ON steps.id = history.stage_id
        WHERE history.deal_id IN (SELECT id FROM cohort)
          AND history.created_at >= created_from AND history.created_at < created_to
        GROUP BY ALL
    ),

    ordered AS (
        SELECT
            deal_id,
            step,
            row_number() OVER (PARTITION BY deal_id ORDER BY step) AS place,
            first_version > coalesce(lag(first_version) OVER (PARTITION BY deal_id
                                                              ORDER BY step), 0) AS later
        FROM visits
    ),

    per_deal AS (
        SELECT deal_id, max(step) AS furthest,
               coalesce(min(place) FILTER (WHERE step <> place OR NOT later) - 1, count(*))
                   AS strict_steps
        FROM ordered
        GROUP BY deal_id
    )

    SELECT cohort.*, coalesce(per_deal.furthest, 0) AS furthest,
           coalesce(per_deal.strict_steps, 0) AS strict_steps,
           (SELECT count(*) FROM steps) AS steps
    FROM cohort
    LEFT JOIN per_deal ON per_deal.deal_id = cohort.id;
