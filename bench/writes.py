"""Save to visible everywhere: a rep wins a deal through the write path while two
sessions are open (the executive's Overview and the rep's My deals); both rerun, as
they do on their next interaction, and must show the change.

Latency = the save (one transaction) + the slower of the two reruns (sessions rerun
in parallel, each on its own script thread).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench import pages
from bench.timing import Timing, elapsed_ms
from pipeline import db, deals, users

WON_AMOUNT = Decimal("10000.00")


@dataclass(frozen=True)
class SaveResult:
    save: Timing
    overview: Timing
    my_deals: Timing
    visible: Timing  # save + the slower rerun, per save


def shown_number(at: AppTest, label: str) -> int:
    """A tile's figure as a whole number ("$1,234" -> 1234)."""
    text = next(m.value for m in at.metric if m.label == label)
    return int(text.replace("$", "").replace(",", ""))


def shown_won(at: AppTest, label: str) -> Decimal:
    """The exact won amount a tile's help gives ("Won $55,834,123.45 in ..."): the tile
    itself shows large amounts in millions."""
    help_text = next(m.proto.help for m in at.metric if m.label == label).replace("\\", "")
    found = re.search(r"Won \$([\d,]+\.\d\d)", help_text)
    if found is None:
        raise RuntimeError(f"no won amount in the help of {label!r}: {help_text!r}")
    return Decimal(found[1].replace(",", ""))


def win(con, rep: users.User, deal: dict) -> None:
    changes = {"stage_id": deal["won_stage_id"], "amount": str(WON_AMOUNT)}
    deals.save(con, rep, deal["id"], deal["version"], changes)


def save_to_visible(path: Path, runs: int) -> SaveResult:
    os.environ[db.ENV_VAR] = str(path)
    pages.forget_everything()
    con = db.connect(path)
    try:
        overview_case, my_deals_case = pages.cases(con)[:2]
        rep = users.get(con, my_deals_case.user_id)
        overview = pages.checked_run(pages.checked_run(pages.open_page(overview_case)))
        my_deals = pages.checked_run(pages.checked_run(pages.open_page(my_deals_case)))
        open_deals = db.dict_rows(
            con,
            """
            SELECT deal.id, deal.version, won.id AS won_stage_id
            FROM deals AS deal
            JOIN stages AS stage ON stage.id = deal.stage_id
            JOIN stages AS won ON won.pipeline = stage.pipeline AND won.is_won
            WHERE deal.owner_id = $owner AND deal.status = 'open'
            ORDER BY deal.id LIMIT $runs
            """,
            {"owner": rep.id, "runs": runs},
        )
        samples = {"save": [], "overview": [], "my_deals": [], "visible": []}
        for deal in open_deals:
            won_before = shown_won(overview, "Week to date · won")
            open_before = shown_number(my_deals, "Open deals")
            save_ms = elapsed_ms(lambda deal=deal: win(con, rep, deal))
            overview_ms = elapsed_ms(lambda: pages.checked_run(overview))
            my_deals_ms = elapsed_ms(lambda: pages.checked_run(my_deals))
            if shown_won(overview, "Week to date · won") != won_before + WON_AMOUNT:
                raise RuntimeError(f"Overview does not show deal {deal['id']} won")
            if shown_number(my_deals, "Open deals") != open_before - 1:
                raise RuntimeError(f"My deals still lists deal {deal['id']} as open")
            samples["save"].append(save_ms)
            samples["overview"].append(overview_ms)
            samples["my_deals"].append(my_deals_ms)
            samples["visible"].append(save_ms + max(overview_ms, my_deals_ms))
    finally:
        con.close()
        pages.forget_everything()
    return SaveResult(**{name: Timing(tuple(values)) for name, values in samples.items()})
