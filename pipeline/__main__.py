"""Command line: python -m pipeline {demo,info,users,import,quotas} ...

Every user-caused failure prints one line to stderr and exits non-zero. The benchmark
is a command of its own: python -m bench.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import time
from datetime import date
from pathlib import Path

from pipeline import copying, db, demo, engine, health, users, validation


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {text!r}") from None


def positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo_cmd = commands.add_parser("demo", help="(re)build the demo database")
    demo_cmd.add_argument("--deals", type=positive, default=demo.DemoSpec.deals)
    demo_cmd.add_argument("--seed", type=int, default=demo.DemoSpec.seed)
    demo_cmd.add_argument(
        "--as-of", type=parse_day, default=None, help="anchor date (default today)"
    )
    commands.add_parser("info", help="what a database holds")
    add_user_commands(commands)
    add_import_command(commands)
    quota_cmd = commands.add_parser("quotas", help="upload or download monthly quotas")
    quota_actions = quota_cmd.add_subparsers(dest="action", required=True)
    upload = quota_actions.add_parser(
        "upload",
        help="store the quotas of a CSV or Excel file (columns month, amount, team, rep); "
        "every row is checked first",
    )
    upload.add_argument("file", type=Path)
    download = quota_actions.add_parser("download", help="every quota as CSV, same format")
    download.add_argument("file", type=Path, nargs="?", help="default: standard output")
    for command in commands.choices.values():
        add_db_option(command)
    copy_cmd = commands.add_parser(
        "copy",
        help="copy a whole database to another store (a file to PostgreSQL, or back)",
        description="Copy every table (deals with their history, activities, people, "
        "quotas, settings) in one transaction, checked by each table's row count and "
        "amount total before it commits. The target is created and migrated when new.",
    )
    copy_cmd.add_argument("--from", dest="source", required=True, help="file or postgresql:// URL")
    copy_cmd.add_argument("--to", dest="target", required=True, help="file or postgresql:// URL")
    copy_cmd.add_argument(
        "--replace", action="store_true", help="replace what the target holds (else: empty only)"
    )
    return parser


def run_copy(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    tallies = copying.copy_database(args.source, args.target, replace=args.replace)
    seconds = time.perf_counter() - started
    print(
        f"Copied {engine.describe(args.source)} to {engine.describe(args.target)} "
        f"in {seconds:.1f} s; both hold:"
    )
    for tally in tallies:
        amounts = "" if tally.amounts is None else f"  amounts {tally.amounts:,.2f}"
        print(f"  {tally.table:<15} {tally.rows:>12,}{amounts}")


DB_HELP = f"database file or postgresql:// URL (default ${db.ENV_VAR} or {db.DEFAULT_PATH})"


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """--db on a command and on each of its actions, so it can stand before or after
    the action's name (`users --db F add` and `users add --db F`)."""
    if not any("--db" in action.option_strings for action in parser._actions):
        parser.add_argument("--db", help=DB_HELP)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                child.add_argument("--db", help=DB_HELP, default=argparse.SUPPRESS)


def add_user_commands(commands) -> None:
    user_cmd = commands.add_parser("users", help="manage who can sign in")
    actions = user_cmd.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="create a user who signs in with a password")
    add.add_argument("--email", required=True)
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True, choices=users.ROLES)
    add.add_argument("--team", help="team name (reps and managers)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    actions.add_parser("list", help="every user, role, team and status")
    for name, text in (("disable", "stop a user signing in"), ("enable", "let them again")):
        action = actions.add_parser(name, help=text)
        action.add_argument("email")
    password = actions.add_parser("password", help="set a user's password")
    password.add_argument("email")
    password.add_argument("--password-stdin", action="store_true")


def add_import_command(commands) -> None:
    from pipeline.imports import fields, importer

    cmd = commands.add_parser(
        "import",
        help="import CRM export files (checked first; all or nothing)",
        description="Import deals (and their history, people, accounts, products) from "
        "CRM exports. Each file's role is recognised from its columns. Every row is "
        "checked first; with any problem nothing is written and the exit code is 1.",
    )
    cmd.add_argument("files", nargs="+", type=Path)
    cmd.add_argument("--source", required=True, choices=list(fields.SOURCES))
    cmd.add_argument("--mapping", type=Path, help="JSON: role -> field -> column, stage_order")
    cmd.add_argument("--date-order", choices=[importer.MONTH_FIRST, importer.DAY_FIRST])
    cmd.add_argument(
        "--created-fallback",
        metavar="export|earliest|YYYY-MM-DD",
        help="when a deal has no creation date (and no history): the export's date "
        "(default), the earliest creation date in the file, or a date",
    )
    cmd.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
    cmd.add_argument(
        "--replace-demo", action="store_true", help="replace the demo database's content"
    )


def run_import(args: argparse.Namespace) -> int:
    from pipeline.imports import fields, importer

    mapping = None
    if args.mapping:
        try:
            mapping = fields.Mapping.from_json(json.loads(args.mapping.read_text("utf-8")))
        except (OSError, ValueError) as exc:
            raise validation.ValidationError(
                [validation.FieldError(f"Mapping {args.mapping}", str(exc))]
            ) from None
    request = importer.Request(
        source=args.source,
        paths=args.files,
        mapping=mapping,
        date_order=args.date_order,
        replace_demo=args.replace_demo,
        created_fallback=args.created_fallback,
    )
    try:
        fields.check_created_fallback(args.created_fallback)
    except ValueError as exc:
        raise validation.ValidationError(
            [validation.FieldError("--created-fallback", str(exc).partition(": ")[2])]
        ) from None
    con = db.connect(args.db or db.database_path())
    try:
        started = time.perf_counter()
        report = importer.run(
            con,
            request,
            write=not args.dry_run,
            progress=lambda share, text: print(f"… {text}", file=sys.stderr, flush=True),
        )
        seconds = time.perf_counter() - started
    finally:
        con.close()
    for line in importer.report_lines(report):
        print(line)
    if not report.ok:
        return 1
    print(f"({seconds:.1f} s)")
    if report.replaces_demo and report.written:
        print(
            "The demo's people are gone: add an admin with "
            "`python -m pipeline users add --role admin --email ... --name ...`."
        )
    return 0


def run_quotas(args: argparse.Namespace) -> None:
    from pipeline import exporting, quotas

    con = db.connect(args.db or db.database_path())
    try:
        if args.action == "upload":
            changed = quotas.upload(con, None, args.file)
            print(f"{changed} monthly quotas changed.")
        elif args.file:
            args.file.write_bytes(exporting.to_csv(quotas.download(con)))
            print(f"Wrote {args.file}.")
        else:
            sys.stdout.write(quotas.download(con).to_csv(index=False))
    finally:
        con.close()


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise validation.ValidationError([validation.FieldError("Password", "did not match")])
    return first


def run_users(args: argparse.Namespace) -> None:
    con = db.connect(args.db or db.database_path())
    try:
        if args.action == "add":
            user = users.add(
                con,
                name=args.name,
                email=args.email,
                role=args.role,
                team=args.team,
                password=read_password(args.password_stdin),
            )
            print(f"Added {user.email} ({user.role}).")
        elif args.action == "password":
            users.set_password(con, args.email, read_password(args.password_stdin))
            print(f"Password set for {args.email}.")
        elif args.action in ("disable", "enable"):
            user = users.set_active(con, args.email, args.action == "enable")
            print(f"{user.email} is now {'active' if user.active else 'disabled'}.")
        else:
            for email, name, role, team, active, has_password in users.listing(con):
                status = "active" if active else "disabled"
                sign_in = "password" if has_password else "no password"
                print(f"{email:<32} {name:<24} {role:<10} {team or '—':<12} {status:<9} {sign_in}")
    finally:
        con.close()


def run_demo(args: argparse.Namespace) -> None:
    path = args.db or db.database_path()
    spec = demo.DemoSpec(deals=args.deals, seed=args.seed, as_of=args.as_of or date.today())
    started = time.perf_counter()
    demo.build(path, spec)
    seconds = time.perf_counter() - started
    print(
        f"Built demo database {engine.describe(path)}: {spec.deals:,} deals as of "
        f"{spec.as_of} in {seconds:.1f} s"
    )
    print_info(path)


def print_info(path) -> None:
    con = db.connect(path, read_only=True)
    try:
        for table, count in health.row_counts(con):
            print(f"  {table:<15} {count:>12,}")
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "demo":
            run_demo(args)
        elif args.command == "info":
            print_info(args.db or db.database_path())
        elif args.command == "users":
            run_users(args)
        elif args.command == "import":
            return run_import(args)
        elif args.command == "quotas":
            run_quotas(args)
        elif args.command == "copy":
            run_copy(args)
    except (db.DatabaseError, validation.ValidationError, engine.Busy) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
