"""What one replica does in the multi-replica tests, run as its own process:

    python -m tests.replica_work race URL SEED DEAL_ID...      (after "go" on stdin)
    python -m tests.replica_work save URL DEAL_ID VERSION AMOUNT  (after "go" on stdin)
    python -m tests.replica_work keep-saving URL DEAL_ID         (until killed)

Each opens its own connection to PostgreSQL, as an app replica does, and saves through
pipeline.deals, the app's own write path. Results are one JSON line on stdout.
"""

from __future__ import annotations

import json
import random
import sys
from decimal import Decimal

from pipeline import db, deals, users

CENT = Decimal("0.01")
EDITS_PER_RACER = 125


def add_a_cent(con, deal_id: int) -> str:
    """Open the deal as a form does and save its amount plus one cent: "saved" or
    "conflict" (someone saved it in between; a person would reload and try again)."""
    current = deals.load(con, deal_id)
    owner = users.get(con, current["owner_id"])
    try:
        deals.save(
            con, owner, deal_id, current["version"], {"amount": str(current["amount"] + CENT)}
        )
    except deals.Conflict:
        return "conflict"
    return "saved"


def race(url: str, seed: int, deal_ids: list[int]) -> dict:
    con = db.connect(url)
    picks = random.Random(seed)
    sys.stdin.readline()  # every racer starts together
    outcomes = [add_a_cent(con, picks.choice(deal_ids)) for _ in range(EDITS_PER_RACER)]
    return {"saved": outcomes.count("saved"), "conflicts": outcomes.count("conflict")}


def save_once(url: str, deal_id: int, version: int, amount: str) -> dict:
    con = db.connect(url)
    owner = users.get(con, deals.load(con, deal_id)["owner_id"])
    print("ready", flush=True)
    sys.stdin.readline()
    try:
        saved = deals.save(con, owner, deal_id, version, {"amount": amount})
    except deals.Conflict as conflict:
        return {"conflict": str(conflict), "who": conflict.who}
    return {"saved": saved.version}


def keep_saving(url: str, deal_id: int) -> None:
    con = db.connect(url)
    while True:
        if add_a_cent(con, deal_id) == "saved":
            print("saved", flush=True)


def main(argv: list[str]) -> None:
    command, url, *rest = argv
    if command == "race":
        result = race(url, int(rest[0]), [int(deal) for deal in rest[1:]])
    elif command == "save":
        result = save_once(url, int(rest[0]), int(rest[1]), rest[2])
    else:
        keep_saving(url, int(rest[0]))
        return
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
