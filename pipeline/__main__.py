"""Command line: python -m pipeline {demo,info} ...

Every user-caused failure prints one line to stderr and exits non-zero.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date

from pipeline import db, demo, metrics


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
    demo_cmd.add_argument(
        "--db", help=f"database file (default ${db.ENV_VAR} or {db.DEFAULT_PATH})"
    )
    demo_cmd.add_argument("--deals", type=positive, default=demo.DemoSpec.deals)
    demo_cmd.add_argument("--seed", type=int, default=demo.DemoSpec.seed)
    demo_cmd.add_argument(
        "--as-of", type=parse_day, default=None, help="anchor date (default today)"
    )
    info_cmd = commands.add_parser("info", help="what a database holds")
    info_cmd.add_argument("--db")
    return parser


def run_demo(args: argparse.Namespace) -> None:
    path = args.db or db.database_path()
    spec = demo.DemoSpec(deals=args.deals, seed=args.seed, as_of=args.as_of or date.today())
    started = time.perf_counter()
    demo.build(path, spec)
    seconds = time.perf_counter() - started
    print(f"Built demo database {path}: {spec.deals:,} deals as of {spec.as_of} in {seconds:.1f} s")
    print_info(path)


def print_info(path) -> None:
    con = db.connect(path, read_only=True)
    try:
        for table, count in metrics.query(con, "row_counts").itertuples(index=False):
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
    except db.DatabaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
