"""``python -m bench``: build or reuse the databases, run every part, print
each table as it completes and write the whole report."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import duckdb
from streamlit import logger as streamlit_logger

from bench import imports, load, pages, peer, postgres, report, writes
from pipeline import db, demo, health, org, users


def database(folder: Path, deals: int) -> Path:
    """The demo database of this size, built on first use. The benchmark's saves stay
    in it; that is what a long-running team's database looks like too."""
    path = folder / f"demo_{deals}.duckdb"
    if not path.exists():
        print(f"Building a {deals:,}-deal demo database at {path} (once)…", flush=True)
        demo.build(path, demo.DemoSpec(deals=deals, as_of=date.today()))
    return path


def persona_label(con: duckdb.DuckDBPyConnection, user_id: int) -> str:
    """How the demo's persona picker names this user ("Name — role, Region › Team")."""
    person = users.get(con, user_id)
    paths = org.teams(con).set_index("id")["path"]
    team = paths.get(person.team_id) if person.team_id is not None else None
    return f"{person.name} — {person.role}" + (f", {team}" if team else "")


LOADED_PAGES = ("overview", "my_deals", "data_settings", "pipeline_forecast", "pipeline_review",
                "activities_health", "funnel", "planning")  # fmt: skip


def load_targets(path: Path) -> list[load.LoadTarget]:
    con = db.connect(path)
    try:
        cases = pages.cases(con)
        return [
            load.LoadTarget(
                cases[key].name,
                "" if key == "overview" else cases[key].page.removeprefix("pages/")[:-3],
                persona_label(con, cases[key].user_id),
            )
            for key in LOADED_PAGES
        ]
    finally:
        con.close()


def run(args: argparse.Namespace) -> Path:
    streamlit_logger.set_log_level("error")  # AppTest's bare-mode warnings, once per run
    args.folder.mkdir(parents=True, exist_ok=True)
    path = database(args.folder, args.deals)
    load_path = database(args.folder, args.load_deals)
    scale = describe(path)
    print(f"Database: {scale}", flush=True)

    empty = pages.empty_page(args.runs)
    con = db.connect(path)
    try:
        cases = pages.cases(con)
    finally:
        con.close()
    page_results = []
    for case in cases.values():
        page_results.append(pages.measure(path, case, args.runs, empty))
        print(report.page_section(page_results)[-2], flush=True)
    steps = pages.meeting_steps(path, cases["review_meeting"], args.runs)
    print(report.meeting_line(steps), flush=True)

    con = db.connect(path)
    try:
        peer_result = peer.compare(con, cases, args.runs)
    finally:
        con.close()
    print_table(report.peer_section(peer_result, page_results))

    save_result = writes.save_to_visible(path, args.runs)  # also lets go of the database
    print_table(report.save_section(save_result))

    imported = imports.measure(args.folder, args.import_rows)
    print_table(report.import_section(imported))

    counts = [int(n) for n in args.sessions.split(",")]
    targets = load_targets(load_path)
    load_results = load.measure(load_path, targets, counts, args.seconds)
    print_table(report.load_section(load_results, ""))

    on_postgres = None
    if args.postgres:
        on_postgres = postgres.measure(
            args.postgres, path, load_path, targets, max(counts), args.seconds, args.runs, empty
        )
        print_table(report.postgres_section(on_postgres, page_results, save_result))

    text = report.render(
        scale=scale,
        load_scale=describe(load_path),
        runs=args.runs,
        pages=page_results,
        meeting=steps,
        peer=peer_result,
        save=save_result,
        load=load_results,
        imported=imported,
        postgres=on_postgres,
    )
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(text, encoding="utf-8")
    print(f"Report written to {args.report}")
    return args.report


def print_table(section: list[str]) -> None:
    """A report section without its heading and explanation."""
    print("\n".join(section[4:]), flush=True)


REPORTED_TABLES = {"deals": "deals", "deal_history": "history versions"}
REPORTED_TABLES["activities"] = "activities"


def describe(path: Path) -> str:
    """ "1,000,000 deals, 4,643,873 history versions, 10,119,192 activities"."""
    con = db.connect(path)
    try:
        counts = dict(health.row_counts(con))
    finally:
        con.close()
    return ", ".join(f"{counts[table]:,} {label}" for table, label in REPORTED_TABLES.items())
