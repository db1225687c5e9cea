"""Running an import: read, check, plan, and write in one transaction (or preview).

``run`` returns a Report: the files read, every row-level problem, what the files could
not provide, and how many deals are added, changed, left alone or in conflict. A
preview (write=False) does the whole import inside a transaction and rolls it back.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from pipeline import db, engine, history, permissions, qualification, users
from pipeline.imports import fields, files, resolve, sql_text

PROBLEM_LIMIT = 1000  # rows of detail kept; the count is always exact
DATE_PROBLEM = "not a date (expected e.g. 2024-03-31, 03/31/2024 or 31.03.2024)"
MONTH_FIRST, DAY_FIRST = "month-first", "day-first"
# Demo content an import replaces, child tables first. Constant statements only.
CLEAR_DEMO = (
    "DELETE FROM missing_deals",
    "DELETE FROM review_items",
    "DELETE FROM reviews",
    "DELETE FROM forecast_calls",
    "DELETE FROM quotas",
    "DELETE FROM activities",
    "DELETE FROM deal_history",
    "DELETE FROM deals",
    "DELETE FROM won_deals",
    "DELETE FROM open_deals",
    "DELETE FROM accounts",
    "DELETE FROM stages",
    "DELETE FROM users",
    "DELETE FROM teams",
    "DELETE FROM settings WHERE key IN ('demo_anchor', 'demo_seed', 'demo_deals')",
    "UPDATE settings SET value = 'password' WHERE key = 'auth_mode'",
)


@dataclass
class NewAdmin:
    """The first admin of a database that replaces the demo (the demo's people go)."""

    name: str
    email: str
    password: str


@dataclass
class Request:
    source: str
    paths: list[Path]
    names: list[str] | None = None  # as the person knows them (an upload's file name)
    mapping: fields.Mapping | None = None
    date_order: str | None = None  # MONTH_FIRST / DAY_FIRST; None: decided by the data
    stamp: datetime | None = None  # when the export was taken; default the files' time
    replace_demo: bool = False
    admin: NewAdmin | None = None
    choices: resolve.Choices = field(default_factory=resolve.Choices)
    # When a deal has no creation date (and no history): "export" (the export's date),
    # "earliest" (the earliest creation date in the file) or a date, YYYY-MM-DD; None:
    # the mapping's choice, else "export".
    created_fallback: str | None = None


@dataclass
class FileReport:
    name: str
    role: str
    rows: int
    encoding: str
    delimiter: str
    columns: dict[str, str]  # field -> column
    unused: list[str]


@dataclass
class Report:
    source: str
    files: list[FileReport] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    problem_count: int = 0
    notes: list[str] = field(default_factory=list)
    date_order: str | None = None
    rows_read: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    conflicts: pd.DataFrame | None = None
    missing: pd.DataFrame | None = None
    versions_added: int = 0
    created: resolve.Created = field(default_factory=resolve.Created)
    replaces_demo: bool = False
    written: bool = False
    created_fallback: str = ""  # what a deal without a creation date counts from

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def problem(self, file: str, message: str, row=None, column=None, value=None) -> None:
        self.problem_count += 1
        if len(self.problems) < PROBLEM_LIMIT:
            self.problems.append(
                {"file": file, "row": row, "column": column, "value": value, "problem": message}
            )

    def problem_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.problems, columns=["file", "row", "column", "value", "problem"])

    def summary(self) -> str:
        return (
            f"{self.added:,} deals added, {self.changed:,} changed, "
            f"{self.unchanged:,} unchanged; {self.versions_added:,} history versions"
        )


class Refused(Exception):
    """Raised inside the write transaction to roll it back (problems, or a preview)."""


Progress = Callable[[float, str], None]


def run(
    con: duckdb.DuckDBPyConnection,
    request: Request,
    *,
    actor: users.User | None = None,
    write: bool = True,
    progress: Progress | None = None,
) -> Report:
    """Import (or with write=False preview) the request's files into ``con``'s database
    as ``actor``, who must be an admin; None is the command line, which whoever can open
    the database file may use. Nothing is written unless every row passes its checks."""
    if actor is not None:
        permissions.require(
            permissions.manages_data(actor), f"{actor.a_role.capitalize()} cannot import CRM files."
        )
    actor_id = actor.id if actor is not None else None
    step = progress or (lambda share, text: None)
    report = Report(request.source)
    is_demo = db.get_setting(con, "demo_anchor") is not None
    report.replaces_demo = is_demo
    if is_demo and not request.replace_demo:
        report.problem(
            "",
            "This is the demo database. Importing replaces the demo's deals, people and "
            "settings with yours: confirm that (--replace-demo), or import into a new "
            "database file (--db).",
        )
        return report
    con.execute("SET enable_progress_bar = false")  # the import reports its own steps
    con.execute(sql_text("parsing"))
    con.execute(sql_text("staging"))
    step(0.05, "Reading the files")
    mapped = stage_files(con, request, report)
    if not report.ok:
        return report
    step(0.35, "Checking every row")
    decide_date_order(con, request, report)
    if not report.ok:
        return report
    set_variables(con, request, report, mapped)
    read_qualification_texts(con)
    con.execute(sql_text("typed_rows"))
    created_fallback(con, request, report)
    collect_problems(con, report)
    if not report.ok:
        return report
    step(0.55, "Matching stages, people and accounts")

    checked_notes = list(report.notes)

    def work() -> None:
        report.notes = list(checked_notes)  # a retried write starts from the checks' notes
        write_import(con, request, report, actor_id, step)
        if not write:
            raise Refused  # a preview: the whole import ran, now roll it back

    try:
        # A preview writes too (then rolls back), so both take their turn among the
        # process's writes: saves wait for them instead of conflicting.
        engine.transaction(con, work)
        report.written = write
    except Refused:
        pass
    step(1.0, "Done" if report.written else "Checked")
    return report


# ------------------------------------------------------------------------------ files


def stage_files(con: duckdb.DuckDBPyConnection, request: Request, report: Report) -> set[str]:
    """Read each file into the staging table of its role. Returns the deal fields
    mapped (a re-import leaves the others as they are)."""
    names = request.names or [path.name for path in request.paths]
    roles: dict[str, list[str]] = {}  # several files of one role: parts of one export
    mapped: set[str] = set()
    for path, name in zip(request.paths, names, strict=True):
        try:
            table = files.read(con, path, name)
        except files.FileProblem as exc:
            known = exc.headers and fields.closest_role(request.source, exc.headers)
            if exc.headers and not known:  # no table of ours, whatever its lines hold
                report.problem(name, not_recognised(request.source, exc.headers))
            else:
                report.problem(name, str(exc).removeprefix(f"{name}: "))
            continue
        role = fields.guess_role(request.source, table.headers, request.mapping)
        if role is None:
            closest = fields.closest_role(request.source, table.headers)
            if closest and closest[1]:
                role_name, lacking = closest
                for spec in lacking:
                    expected = " or ".join(
                        repr(c) for c in fields.candidates(request.source, role_name, spec.name)
                    )
                    report.problem(
                        name,
                        f"looks like a {fields.ROLE_LABELS[role_name].lower()} file but is "
                        f"missing the required column for {spec.label} (expected {expected})",
                    )
                continue
            report.problem(name, not_recognised(request.source, table.headers))
            continue
        columns = (request.mapping.of(role) if request.mapping else {}) or fields.suggest(
            request.source, role, table.headers
        )
        if not check_columns(report, name, role, table, columns, request.source):
            continue
        if role == "deals" and "deals" in roles and set(columns) != mapped:
            report.problem(
                name,
                f"holds other deal fields than {roles['deals'][0]}: the parts of a split "
                "export must have the same columns",
            )
            continue
        part = len(roles.setdefault(role, []))
        roles[role].append(name)
        stage_table(con, role, table, columns, part)
        if role == "deals":
            mapped = set(columns)
        used = set(columns.values())
        report.files.append(
            FileReport(
                name,
                role,
                table.rows,
                table.encoding,
                table.delimiter,
                columns,
                [h for h in table.headers if h not in used],
            )
        )
        report.rows_read += table.rows
    if report.ok and "deals" not in roles:
        report.problem("", "None of the files is a deals file: an import needs one.")
    return mapped


def not_recognised(source: str, headers: list[str]) -> str:
    shown = ", ".join(headers[:8]) + ("…" if len(headers) > 8 else "")
    return (
        f"not recognised as a table of deals, deal history, people, accounts, products or "
        f"roles from {fields.SOURCES[source]} (its columns: {shown})"
    )


def check_columns(report, name, role, table, columns, source) -> bool:
    ok = True
    for spec in fields.ROLES[role]:
        column = columns.get(spec.name)
        if column is not None and column not in table.headers:
            report.problem(name, f"no column {column!r} (mapped to {spec.label})")
            ok = False
        elif column is None and spec.required:
            expected = " or ".join(repr(c) for c in fields.candidates(source, role, spec.name))
            report.problem(
                name,
                f"missing the required column for {spec.label}"
                + (f" (expected {expected})" if expected else ""),
            )
            ok = False
    return ok


# The staging statement for each role: constant text, never built from file content.
STAGED_TABLES = {
    "deals": "staged_deals",
    "history": "staged_history",
    "people": "staged_people",
    "accounts": "staged_accounts",
    "products": "staged_products",
    "roles": "staged_roles",
}


# A staged row's number: its line in its file (the header is line 1) plus the part
# (0, 1, ... for several files of one role) times PART_ROWS, so the rows of every part
# stay apart and in order.
PART_ROWS = 10**12


def file_row(row_number: int) -> tuple[int, int]:
    """(part, line in that file) of a staged row number."""
    return divmod(row_number, PART_ROWS)


def stage_table(
    con, role: str, table: files.TableFile, columns: dict[str, str], part: int = 0
) -> None:
    """Copy the mapped columns of import_file into the role's staging table. Columns
    are picked by position (c0, c1, ...), so no file header is ever part of SQL."""
    position = {header: index for index, header in enumerate(table.headers)}
    first_line = duckdb.ConstantExpression(part * PART_ROWS + 2)
    expressions = [(duckdb.ColumnExpression("rowid") + first_line).alias("row_number")]
    for spec in fields.ROLES[role]:
        column = columns.get(spec.name)
        if column is None:
            value = duckdb.ConstantExpression(None).cast(duckdb.sqltype("VARCHAR"))
        else:
            value = duckdb.ColumnExpression(f"c{position[column]}")
        expressions.append(value.alias(spec.name))
    con.table("import_file").select(*expressions).insert_into(STAGED_TABLES[role])


# ----------------------------------------------------------------------------- checks


def read_qualification_texts(con) -> None:
    """Each distinct qualification text of the deal file in its stored form, or why it
    cannot be read (import_qualification_texts): a handful of values, each read once by
    the same parser as the deal form's."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE import_qualification_texts "
        "(value VARCHAR, stored VARCHAR, problem VARCHAR)"
    )
    texts = con.execute(
        "SELECT DISTINCT qualification FROM staged_deals WHERE qualification IS NOT NULL"
    ).fetchall()
    rows = []
    for (text,) in texts:
        try:
            rows.append((text, qualification.parse(text), None))
        except ValueError as exc:
            rows.append((text, None, str(exc)))
    if rows:
        con.executemany("INSERT INTO import_qualification_texts VALUES (?, ?, ?)", rows)


def decide_date_order(con, request: Request, report: Report) -> None:
    """Month-first or day-first for slashed dates, from the values themselves; when
    every such value reads both ways and nobody chose, the import stops and asks."""
    con.execute(sql_text("date_texts"))
    only_month, only_day, either, example = con.execute(sql_text("date_order")).fetchone()
    if request.date_order:
        report.date_order = request.date_order
    elif only_month and not only_day:
        report.date_order = MONTH_FIRST
    elif only_day and not only_month:
        report.date_order = DAY_FIRST
    elif only_day and only_month:
        report.problem(
            "",
            f"The dates mix month-first ({only_month:,} values) and day-first "
            f"({only_day:,}) forms; choose the date order, and the others are listed.",
        )
    elif either:
        report.problem(
            "",
            f"Dates such as {example} read as month-first or day-first; choose the date "
            "order (nothing was guessed).",
        )
    if report.date_order:
        report.notes.append(f"Dates written with slashes were read {report.date_order}.")


def set_variables(con, request: Request, report: Report, mapped: set[str]) -> None:
    stamp = request.stamp or export_stamp(request.paths)
    values = {
        "import_day_first": report.date_order == DAY_FIRST,
        "import_fraction": request.source in fields.FRACTION_PROBABILITY,
        "import_date_problem": DATE_PROBLEM,
        "import_today": date.today(),
        "import_currency": db.get_setting(con, "currency", "USD"),
        "import_stamp": stamp,
        "import_mapped": sorted(mapped),
        "import_unassigned": None,
        "import_actor": None,
        "import_deal_files": [f.name for f in report.files if f.role == "deals"],
        "import_created_fallback": None,
    }
    for name, value in values.items():
        con.execute(SET_VARIABLE[name], {"value": value})


def created_fallback(con, request: Request, report: Report) -> None:
    """Set the instant a deal without any creation date counts as created from, and say
    which it is (once the rows are typed: "earliest" reads them)."""
    asked = request.created_fallback or (
        request.mapping.created_fallback if request.mapping else None
    )
    stamp = request.stamp or export_stamp(request.paths)
    if asked in (None, "export"):
        instant, why = stamp, f"the export's date, {stamp:%Y-%m-%d}"
    elif asked == "earliest":
        earliest = con.execute("SELECT min(created_at) FROM import_rows").fetchone()[0]
        instant = earliest or stamp
        why = f"the file's earliest creation date, {instant:%Y-%m-%d}"
    else:
        instant = datetime.combine(date.fromisoformat(asked), datetime.min.time())
        why = f"{instant:%Y-%m-%d}, the date chosen"
    con.execute(SET_VARIABLE["import_created_fallback"], {"value": instant})
    report.created_fallback = why


# The settings the import's SQL reads with getvariable(): one constant statement each.
SET_VARIABLE = {
    "import_day_first": "SET VARIABLE import_day_first = $value",
    "import_fraction": "SET VARIABLE import_fraction = $value",
    "import_date_problem": "SET VARIABLE import_date_problem = $value",
    "import_today": "SET VARIABLE import_today = $value",
    "import_currency": "SET VARIABLE import_currency = $value",
    "import_stamp": "SET VARIABLE import_stamp = $value",
    "import_mapped": "SET VARIABLE import_mapped = $value",
    "import_unassigned": "SET VARIABLE import_unassigned = $value",
    "import_actor": "SET VARIABLE import_actor = $value",
    "import_deal_files": "SET VARIABLE import_deal_files = $value",
    "import_created_fallback": "SET VARIABLE import_created_fallback = $value",
}


def export_stamp(paths: list[Path]) -> datetime:
    """When the export was taken: the newest file's modification time."""
    return datetime.fromtimestamp(max(os.path.getmtime(path) for path in paths)).replace(
        microsecond=0
    )


def collect_problems(con, report: Report) -> None:
    con.execute(sql_text("problems"))
    count = con.execute("SELECT count(*) FROM import_problems").fetchone()[0]
    if not count:
        return
    parts: dict[str, list[FileReport]] = {}
    for file in report.files:
        parts.setdefault(file.role, []).append(file)
    rows = con.execute(
        "SELECT role, row_number, field, value, problem FROM import_problems "
        "ORDER BY role, row_number, field LIMIT $limit",
        {"limit": PROBLEM_LIMIT},
    ).fetchall()
    for role, row, field_name, value, problem in rows:
        part, line = file_row(row)
        source = parts[role][part]
        report.problem(
            source.name, problem, line, source.columns.get(field_name, field_name), value
        )
    report.problem_count += count - len(rows)


# ------------------------------------------------------------------------------ write


def write_import(con, request: Request, report: Report, actor_id, step: Progress) -> None:
    started = datetime.now()
    report.created = created = resolve.Created()
    if report.replaces_demo:
        replace_demo(con, request.admin)
    con.execute(SET_VARIABLE["import_actor"], {"value": actor_id})
    evidence = con.execute(sql_text("stage_evidence")).df()
    order = request.mapping.stage_order if request.mapping else []
    presets = resolve.SALESFORCE_STAGES if request.source == "salesforce" else {}
    resolve.resolve_stages(con, evidence, order, created, presets, request.choices.stages)
    ownerless = con.execute("SELECT count(*) FROM import_rows WHERE owner IS NULL").fetchone()[0]
    unassigned = resolve.resolve_people(con, ownerless > 0, created, request.choices.owners)
    con.execute(SET_VARIABLE["import_unassigned"], {"value": unassigned})
    resolve.resolve_accounts(con, created)
    step(0.7, "Comparing with the deals already here")
    con.execute(sql_text("plan_deals"))
    stageless(con, report)
    if not report.ok:
        raise Refused
    count_outcomes(con, report, ownerless)
    step(0.8, "Writing deals and their history")
    new_deals = con.execute("SELECT count(*) FROM import_deals WHERE outcome = 'new'").fetchone()
    con.execute(sql_text("new_ids"), {"ids": engine.reserve_ids(con, "deal_ids", new_deals[0])})
    report.versions_added = con.execute(sql_text("new_versions")).fetchone()[0]
    report.versions_added += report.changed
    con.execute(sql_text("apply_deals"))
    # The deals touched: new ids come after every existing one, so their history is a
    # contiguous tail the refill reads alone (unless changed deals widen the range).
    touched = con.execute(
        "SELECT min(id), max(id) FROM (SELECT deal_id AS id FROM import_new_ids "
        "UNION ALL SELECT existing_id FROM import_deals WHERE outcome = 'changed')"
    ).fetchone()
    if touched[0] is not None:
        history.fill_current_deals(con, touched)
    history.reset_clock(con)
    import_id = log_import(con, request, report, actor_id, started)
    con.execute(_FOUND_AGAIN)
    con.execute(_RECORD_MISSING, {"import_id": import_id})


def replace_demo(con, admin: NewAdmin | None) -> None:
    """Remove the demo's content (the change log stays) and, when given, create the
    first admin with a password: a real database never signs in by persona."""
    for statement in CLEAR_DEMO:
        con.execute(statement)
    if admin is not None:
        users.create(con, name=admin.name, email=admin.email, role="admin", password=admin.password)


def stageless(con, report: Report) -> None:
    rows = con.execute(
        "SELECT row_number, stage, status FROM import_deals WHERE stage_id IS NULL "
        "ORDER BY row_number LIMIT $limit",
        {"limit": PROBLEM_LIMIT},
    ).fetchall()
    deal_files = [f for f in report.files if f.role == "deals"]
    for row, stage, status in rows:
        part, line = file_row(row)
        report.problem(
            deal_files[part].name,
            f"the deal is {status}, but {stage!r} is a stage for "
            f"{'closed' if status == 'open' else 'other'} deals",
            line,
            deal_files[part].columns.get("stage"),
            stage,
        )


def count(number: int, noun: str) -> str:
    """'1 deal', '2,089 deals'."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def has(number: int) -> str:
    return "has" if number == 1 else "have"


def was(number: int) -> str:
    return "was" if number == 1 else "were"


def name_(number: int) -> str:
    return "names" if number == 1 else "name"


def count_outcomes(con, report: Report, ownerless: int) -> None:
    outcomes = dict(
        con.execute("SELECT outcome, count(*) FROM import_deals GROUP BY ALL").fetchall()
    )
    report.added = outcomes.get("new", 0)
    report.changed = outcomes.get("changed", 0)
    report.unchanged = outcomes.get("same", 0)
    report.conflicts = con.execute(
        "SELECT d.external_id, d.name, u.name AS changed_by, d.existing_updated_at AS changed_at "
        "FROM import_deals AS d JOIN deals ON deals.id = d.existing_id "
        "LEFT JOIN users AS u ON u.id = deals.updated_by "
        "WHERE d.outcome = 'conflict' ORDER BY d.row_number"
    ).df()
    report.missing = con.execute(_MISSING_OPEN_DEALS).df()
    gaps = con.execute(
        "SELECT count(*) FILTER (WHERE status = 'open' AND close_date IS NULL), "
        "count(*) FILTER (WHERE amount IS NULL), count(*) FILTER (WHERE amount_from_price), "
        "count(*) FILTER (WHERE account_id IS NULL), count(*) FILTER (WHERE created_guessed), "
        "count(*) FILTER (WHERE created_from_fallback) FROM import_deals"
    ).fetchone()
    no_close, no_amount, from_price, no_account, guessed, from_fallback = gaps
    deal_fields = next(f.columns for f in report.files if f.role == "deals")
    notes = report.notes
    if from_price:
        notes.append(
            f"{count(from_price, 'deal')} without an amount take their product's list price."
        )
    if no_amount:
        notes.append(
            f"{count(no_amount, 'deal')} {has(no_amount)} no amount; they count as 0 in totals."
        )
    if no_close:
        notes.append(
            f"{count(no_close, 'open deal')} {has(no_close)} no close date: in no period's "
            "forecast."
        )
    if no_account:
        notes.append(f"{count(no_account, 'deal')} {name_(no_account)} no account.")
    early = con.execute(
        "SELECT count(*), list(external_id ORDER BY row_number)[1:5] FROM import_deals "
        "WHERE close_date < CAST(created_at AS DATE)"
    ).fetchone()
    if early[0]:
        notes.append(
            f"Closing before their creation date: {count(early[0], 'deal')} "
            f"({', '.join(early[1])}{', …' if early[0] > 5 else ''}). They are imported as "
            "they are and Data health lists them; editing one checks only the dates the "
            "edit changes."
        )
    if guessed:
        notes.append(
            f"{count(guessed, 'deal')} {has(guessed)} no creation date: each counts as created "
            "on its earliest known date (closed, close date, last change); "
            f"{from_fallback:,} with none of those count from {report.created_fallback}."
        )
    if ownerless:
        notes.append(
            f"{count(ownerless, 'deal')} {has(ownerless)} no owner; they belong to 'Unassigned'."
        )
    for name, text in (
        ("probability", "No probability column: deals use their stage's probability."),
        ("forecast_category", "No forecast category: deals use their stage's category."),
        ("created_at", "No creation date column: deals count from their first known date."),
    ):
        if name not in deal_fields:
            notes.append(text)
    if not any(f.role == "history" for f in report.files):
        notes.append(
            "No stage history: a closed deal is shown open in its pipeline's last open "
            "stage from its creation until it closed."
        )
    notes.append("These files hold no activities, quotas or forecast calls.")
    if report.conflicts is not None and len(report.conflicts):
        notes.append(
            f"{count(len(report.conflicts), 'deal')} {was(len(report.conflicts))} changed here "
            "after the export was taken; they keep their current state."
        )


# Open deals with a CRM id that these files do not hold: listed for an admin to close
# or keep (pipeline/missing_deals.py), never closed by the import itself.
_MISSING_OPEN_DEALS = """
SELECT d.external_id, d.name, u.name AS owner, d.amount, d.close_date
FROM deals AS d LEFT JOIN users AS u ON u.id = d.owner_id
WHERE d.status = 'open' AND d.external_id IS NOT NULL
  AND d.external_id NOT IN (SELECT external_id FROM import_rows WHERE external_id IS NOT NULL)
ORDER BY d.external_id
"""
_FOUND_AGAIN = """
DELETE FROM missing_deals WHERE deal_id IN (
    SELECT id FROM deals WHERE external_id IN (SELECT external_id FROM import_rows))
"""
_RECORD_MISSING = """
INSERT INTO missing_deals (deal_id, import_id)
SELECT id, $import_id FROM deals
WHERE status = 'open' AND external_id IS NOT NULL
  AND external_id NOT IN (SELECT external_id FROM import_rows WHERE external_id IS NOT NULL)
ON CONFLICT DO NOTHING
"""


def log_import(con, request: Request, report: Report, actor_id, started: datetime) -> int:
    """Record the import run; returns its id."""
    names = [f.name for f in report.files]
    import_id = engine.next_id(con, "import_ids")
    con.execute(
        "INSERT INTO imports (id, started_at, finished_at, user_id, source, files, rows_read, "
        "deals_added, deals_changed, deals_unchanged, deals_closed_missing, versions_added, "
        "notes) VALUES ($id, $started, $finished, $user, $source, $files, $rows, $added, "
        "$changed, $unchanged, 0, $versions, $notes)",
        {
            "id": import_id,
            "started": started,
            "finished": datetime.now(),
            "user": actor_id,
            "source": request.source,
            "files": ", ".join(names),
            "rows": report.rows_read,
            "added": report.added,
            "changed": report.changed,
            "unchanged": report.unchanged,
            "versions": report.versions_added,
            "notes": json.dumps(report.notes),
        },
    )
    db.record_change(
        con,
        "import",
        user_id=actor_id,
        summary=f"Imported {', '.join(names)} ({fields.SOURCES[request.source]}): "
        + report.summary(),
    )
    return import_id


def report_lines(report: Report) -> list[str]:
    """The report as plain text lines (the command line prints these)."""
    lines = [
        f"{f.name}: {fields.ROLE_LABELS[f.role].lower()}, {f.rows:,} rows" for f in report.files
    ]
    for f in report.files:
        if f.unused:
            lines.append(f"  {f.name}: columns not imported: {', '.join(f.unused)}")
    if not report.ok:
        lines.append(f"{report.problem_count:,} problems; nothing was imported:")
        for p in report.problems:
            where = ", ".join(
                str(part)
                for part in (
                    p["file"],
                    f"row {p['row']}" if p["row"] is not None else None,
                    p["column"],
                )
                if part
            )
            value = f" {p['value']!r}" if p["value"] is not None else ""
            lines.append(f"  {where}:{value} {p['problem']}" if where else f"  {p['problem']}")
        if report.problem_count > len(report.problems):
            lines.append(f"  … and {report.problem_count - len(report.problems):,} more")
        return lines
    verb = "Imported" if report.written else "Would import"
    lines.append(f"{verb}: {report.summary()}.")
    created = report.created
    if created.stages:
        lines.append(f"New stages: {', '.join(created.stages)}")
    if created.teams:
        lines.append(f"New teams: {', '.join(created.teams)}")
    if created.people:
        lines.append(f"New people: {len(created.people):,} ({', '.join(created.people[:5])}…)")
    if created.accounts:
        lines.append(f"New accounts: {created.accounts:,}")
    if report.missing is not None and len(report.missing):
        lines.append(
            f"{len(report.missing):,} open deals here are not in these files; they stay open "
            "until an admin closes or keeps them on Data & settings: "
            + ", ".join(report.missing["external_id"].head(10))
        )
    lines.extend(f"Note: {note}" for note in [*report.notes, *created.notes])
    return lines


@dataclass
class Inspected:
    name: str
    headers: list[str]
    role: str | None
    columns: dict[str, str]  # field -> column, as the import would map them now
    problem: str | None = None


def inspect(
    source: str, paths: list[Path], names: list[str], mapping: fields.Mapping | None = None
) -> list[Inspected]:
    """Each file's columns and the role and mapping the import would use, for a form
    where a person confirms or changes them. Reads into a private in-memory database."""
    con = duckdb.connect()
    found = []
    try:
        for path, name in zip(paths, names, strict=True):
            try:
                table = files.read(con, path, name)
            except files.FileProblem as exc:
                found.append(Inspected(name, [], None, {}, str(exc)))
                continue
            role = fields.guess_role(source, table.headers, mapping)
            if role is None:
                closest = fields.closest_role(source, table.headers)
                role = closest[0] if closest else None
            columns = {}
            if role:
                given = mapping.of(role) if mapping else {}
                columns = {k: v for k, v in given.items() if v in table.headers} or (
                    fields.suggest(source, role, table.headers)
                )
            found.append(Inspected(name, table.headers, role, columns))
    finally:
        con.close()
    return found


MAPPING_SETTING = "import_mapping_other"


def remembered_mapping(con: duckdb.DuckDBPyConnection) -> fields.Mapping | None:
    """The column mapping last used for "other" files, if any."""
    text = db.get_setting(con, MAPPING_SETTING)
    return fields.Mapping.from_json(json.loads(text)) if text else None


def remember_mapping(
    con: duckdb.DuckDBPyConnection, actor: users.User | None, mapping: fields.Mapping
) -> None:
    """Keep the mapping for the next import of "other" files (admins only)."""
    if actor is not None:
        permissions.require(permissions.manages_data(actor), "Only an admin can import.")
    db.set_setting(con, MAPPING_SETTING, json.dumps(mapping.to_json()))
