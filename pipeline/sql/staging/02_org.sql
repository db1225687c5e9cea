-- The organisation as a tree: the company at the root, teams nested under their parent
-- team (a region, a division) or directly under the company, and people under their
-- team (or the company, without one). Scopes, quota roll-ups and permissions all read
-- the tree through these macros. A parent chain deeper than 32 is cut there (the write
-- path refuses cycles; the cut only keeps a damaged file from looping forever).

-- Every team with each of its ancestors, itself included at depth 0.
CREATE OR REPLACE MACRO team_ancestry() AS TABLE
    WITH RECURSIVE up(team_id, ancestor_id, depth) AS (
        SELECT id, id, 0 FROM teams
        UNION ALL
        SELECT up.team_id, parent.parent_id, up.depth + 1
        FROM up JOIN teams AS parent ON parent.id = up.ancestor_id
        WHERE parent.parent_id IS NOT NULL AND up.depth < 32
    )
    SELECT team_id, ancestor_id, depth FROM up;

-- Every team in tree order (parents before children, siblings by name): its depth
-- below the company and its path of names from the top.
CREATE OR REPLACE MACRO team_tree() AS TABLE
    WITH RECURSIVE down(team_id, name, parent_id, depth, path) AS (
        SELECT id, name, parent_id, 0, [name] FROM teams
        WHERE parent_id IS NULL OR parent_id NOT IN (SELECT id FROM teams)
        UNION ALL
        SELECT child.id, child.name, child.parent_id, down.depth + 1,
               list_append(down.path, child.name)
        FROM down JOIN teams AS child ON child.parent_id = down.team_id
        WHERE down.depth < 32
    )
    SELECT team_id, name, parent_id, depth, path FROM down;

-- The people in a scope: everyone (no team, no person), everyone in a team's subtree,
-- or one person.
CREATE OR REPLACE MACRO owners_in_scope(scope_team, scope_person) AS TABLE
    SELECT person.id
    FROM users AS person
    WHERE (scope_person IS NULL OR person.id = scope_person)
      AND (scope_team IS NULL OR person.team_id IN (
          SELECT team_id FROM team_ancestry() WHERE ancestor_id = scope_team));

-- Whether a deal owner is in a scope, for WHERE clauses: true for the whole company
-- without looking anything up.
CREATE OR REPLACE MACRO in_scope(owner, scope_team, scope_person) AS
    (scope_team IS NULL AND scope_person IS NULL)
    OR owner IN (SELECT id FROM owners_in_scope(scope_team, scope_person));

-- The tree's node key of a scope, as quota plans name them: 'company', 'team:<id>' or
-- 'user:<id>'.
CREATE OR REPLACE MACRO scope_node(scope_team, scope_person) AS
    CASE
        WHEN scope_person IS NOT NULL THEN 'user:' || scope_person
        WHEN scope_team IS NOT NULL THEN 'team:' || scope_team
        ELSE 'company'
    END;

-- Every node of the tree with each of its ancestors (itself at depth 0): the company,
-- teams and people, keyed as scope_node names them.
CREATE OR REPLACE MACRO org_paths() AS TABLE
    WITH RECURSIVE nodes AS (
        SELECT 'company' AS node, NULL AS parent
        UNION ALL
        SELECT 'team:' || id, coalesce('team:' || parent_id, 'company') FROM teams
        UNION ALL
        SELECT 'user:' || id, coalesce('team:' || team_id, 'company') FROM users
    ),

    up(node, ancestor, depth) AS (
        SELECT node, node, 0 FROM nodes
        UNION ALL
        SELECT up.node, above.parent, up.depth + 1
        FROM up JOIN nodes AS above ON above.node = up.ancestor
        WHERE above.parent IS NOT NULL AND up.depth < 34
    )

    SELECT node, ancestor, depth FROM up;
