"""Imports: each CRM's format on small files written here, the real exports in
../shared/datasets, every kind of bad input, re-imports, and all-or-nothing writes."""

from __future__ import annotations

import json
import threading
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipeline import db, deals, demo, engine, health, missing_deals, permissions, users, validation
from pipeline.figures import attainment
from pipeline.imports import fields, importer, resolve
from tests.conftest import facts_out_of_line

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
MAVEN = DATASETS / "maven-crm"
SALESFORCE = DATASETS / "salesforce-sample"
MAVEN_MAPPING = Path(__file__).resolve().parents[1] / "docs" / "mappings" / "maven-crm.json"
needs_maven = pytest.mark.skipif(not MAVEN.is_dir(), reason=f"{MAVEN} is not on this machine")
needs_salesforce = pytest.mark.skipif(
    not SALESFORCE.is_dir(), reason=f"{SALESFORCE} is not on this machine"
)

SALESFORCE_OPPORTUNITIES = (
    "Id,Name,AccountId,OwnerId,StageName,Amount,Probability,CloseDate,IsClosed,IsWon,"
    "CreatedDate,LastModifiedDate,Type,LeadSource\n"
    '006A,Acme renewal,001A,005A,Prospecting,"1,000.50",10,2026-12-15,false,false,'
    "2026-01-05,2026-02-01T09:00:00.000Z,Renewal,Web\n"
    "006B,Globex expansion,001B,005B,Closed Won,2000,100,2026-02-10,true,true,"
    "2026-01-06,2026-02-10T10:00:00.000Z,Existing Customer - Upgrade,Partner\n"
    "006C,Initech new,001A,005A,Closed Lost,300,0,2026-03-01,true,false,"
    "2026-01-07,2026-03-01T11:00:00.000Z,New Customer,\n"
)
SALESFORCE_HISTORY = """\
OpportunityId,CreatedDate,StageName,Amount,CloseDate,Probability,ForecastCategory
006B,2026-01-06T12:00:00Z,Prospecting,1500,2026-03-31,10,Pipeline
006B,2026-01-20T12:00:00Z,Negotiation/Review,2000,2026-03-31,90,Commit
006B,2026-02-10T10:00:00Z,Closed Won,2000,2026-02-10,100,Closed
"""
SALESFORCE_USERS = """\
Id,Name,Email,IsActive
005A,Ada Lovelace,ada@example.com,true
005B,Bob Byte,bob@example.com,true
"""
SALESFORCE_ACCOUNTS = """\
Id,Name,Industry
001A,Acme Corp,Manufacturing
001B,Globex,Energy
"""


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def salesforce_files(folder: Path) -> list[Path]:
    return [
        write(folder, "Opportunity.csv", SALESFORCE_OPPORTUNITIES),
        write(folder, "OpportunityHistory.csv", SALESFORCE_HISTORY),
        write(folder, "User.csv", SALESFORCE_USERS),
        write(folder, "Account.csv", SALESFORCE_ACCOUNTS),
    ]


@pytest.fixture
def empty(tmp_path: Path):
    con = db.connect(tmp_path / "empty.duckdb")
    yield con
    con.close()


def run(con, source: str, paths: list[Path], **options) -> importer.Report:
    write_it = options.pop("write", True)
    return importer.run(con, importer.Request(source, paths, **options), write=write_it)


def totals(con) -> dict[str, tuple[int, Decimal]]:
    rows = con.execute("SELECT status, count(*), sum(amount) FROM deals GROUP BY ALL").fetchall()
    return {status: (count, amount) for status, count, amount in rows}


def row_counts(con) -> dict[str, int]:
    return dict(health.row_counts(con))


def problems(report: importer.Report) -> list[tuple]:
    return [(p["file"], p["row"], p["column"], p["value"], p["problem"]) for p in report.problems]


# --------------------------------------------------------------------------- sources


def test_salesforce_files_import_with_people_accounts_and_history(empty, tmp_path):
    report = run(empty, "salesforce", salesforce_files(tmp_path))
    assert report.ok and report.written
    assert [f.role for f in report.files] == ["deals", "history", "people", "accounts"]
    assert (report.added, report.changed, report.unchanged) == (3, 0, 0)
    assert totals(empty) == {
        "open": (1, Decimal("1000.50")),
        "won": (1, Decimal("2000.00")),
        "lost": (1, Decimal("300.00")),
    }
    deals = {
        row[0]: row[1:]
        for row in empty.execute(
            "SELECT d.external_id, u.name, a.name, d.deal_type, d.source, d.closed_at "
            "FROM deals d JOIN users u ON u.id = d.owner_id "
            "LEFT JOIN accounts a ON a.id = d.account_id"
        ).fetchall()
    }
    assert deals == {
        "006A": ("Ada Lovelace", "Acme Corp", "renewal", "Web", None),
        "006B": ("Bob Byte", "Globex", "expansion", "Partner", datetime(2026, 2, 10)),
        "006C": ("Ada Lovelace", "Acme Corp", "new", None, datetime(2026, 3, 1)),
    }
    versions = empty.execute(
        "SELECT h.version, h.valid_from, h.valid_to, s.name, h.amount, h.status, "
        "h.forecast_category FROM deal_history h JOIN stages s ON s.id = h.stage_id "
        "WHERE h.external_id = '006B' ORDER BY h.version"
    ).fetchall()
    assert versions == [
        (1, datetime(2026, 1, 6), datetime(2026, 1, 20, 12), "Prospecting", 1500, "open", None),
        (2, datetime(2026, 1, 20, 12), datetime(2026, 2, 10, 10), "Negotiation/Review", 2000,
         "open", None),
        (3, datetime(2026, 2, 10, 10), None, "Closed Won", 2000, "won", None),
    ]  # fmt: skip
    # The stage's own forecast category comes from the history file: Commit.
    assert empty.execute(
        "SELECT forecast_category FROM stages WHERE name = 'Negotiation/Review'"
    ).fetchone() == ("Commit",)
    # Without history rows, a closed deal is open in the last open stage until it closed.
    lost = empty.execute(
        "SELECT h.version, h.valid_from, s.name, h.status FROM deal_history h "
        "JOIN stages s ON s.id = h.stage_id WHERE h.external_id = '006C' ORDER BY 1"
    ).fetchall()
    assert lost == [
        (1, datetime(2026, 1, 7), "Negotiation/Review", "open"),
        (2, datetime(2026, 3, 1), "Closed Lost", "lost"),
    ]
    assert users.by_email(empty, "ada@example.com").role == "rep"
    assert db.get_setting(empty, "auth_mode") == "password"


def test_importing_the_same_files_twice_changes_nothing(empty, tmp_path):
    paths = salesforce_files(tmp_path)
    run(empty, "salesforce", paths)
    before = row_counts(empty)
    history = empty.execute("SELECT * FROM deal_history ORDER BY deal_id, version").fetchall()
    again = run(empty, "salesforce", paths)
    assert (again.added, again.changed, again.unchanged) == (0, 0, 3)
    assert row_counts(empty) == before
    assert empty.execute("SELECT * FROM deal_history ORDER BY deal_id, version").fetchall() == (
        history
    )


def test_a_newer_export_adds_a_version_dated_by_its_modification_stamp(empty, tmp_path):
    run(empty, "salesforce", salesforce_files(tmp_path))
    newer = SALESFORCE_OPPORTUNITIES.replace(
        '006A,Acme renewal,001A,005A,Prospecting,"1,000.50",10,2026-12-15,false,false,'
        "2026-01-05,2026-02-01T09:00:00.000Z",
        "006A,Acme renewal,001A,005A,Prospecting,1200,10,2026-12-15,false,false,"
        "2026-01-05,2026-04-02T08:30:00.000Z",
    ).replace("006C,Initech new", "")  # one deal left out of this export
    newer = "\n".join(line for line in newer.splitlines() if not line.startswith(",")) + "\n"
    report = run(empty, "salesforce", [write(tmp_path / "..", "Opportunity2.csv", newer)])
    assert (report.added, report.changed, report.unchanged) == (0, 1, 1)
    assert report.missing.empty  # 006C is left out, but it is closed: nothing to decide
    versions = empty.execute(
        "SELECT version, valid_from, valid_to, amount FROM deal_history "
        "WHERE external_id = '006A' ORDER BY version"
    ).fetchall()
    assert versions == [
        (1, datetime(2026, 1, 5), datetime(2026, 4, 2, 8, 30), Decimal("1000.50")),
        (2, datetime(2026, 4, 2, 8, 30), None, Decimal("1200.00")),
    ]
    current = empty.execute(
        "SELECT amount, version, source FROM deals WHERE external_id = '006A'"
    ).fetchone()
    assert current == (Decimal("1200.00"), 2, "Web")  # unmapped-in-both fields kept
    assert empty.execute("SELECT count(*) FROM deals").fetchone()[0] == 3
    assert facts_out_of_line(empty) == 0


def without_acme(tmp_path: Path) -> Path:
    """The Salesforce export without its one open deal, 006A."""
    lines = [line for line in SALESFORCE_OPPORTUNITIES.splitlines() if "006A" not in line]
    return write(tmp_path, "Opportunity-later.csv", "\n".join(lines) + "\n")


def test_an_open_deal_missing_from_an_export_is_closed_only_when_an_admin_says(empty, tmp_path):
    run(empty, "salesforce", salesforce_files(tmp_path))
    admin = users.add(
        empty, name="Ada Admin", email="admin@example.com", role="admin", password="long-enough"
    )
    report = run(empty, "salesforce", [without_acme(tmp_path)])
    assert report.missing[["external_id", "name", "owner"]].values.tolist() == [
        ["006A", "Acme renewal", "Ada Lovelace"]
    ]
    listed = missing_deals.awaiting(empty)
    assert listed[["external_id", "stage", "import_files"]].values.tolist() == [
        ["006A", "Prospecting", "Opportunity-later.csv"]
    ]
    assert empty.execute("SELECT status FROM deals WHERE external_id = '006A'").fetchone() == (
        "open",
    )  # the import itself closes nothing
    deal_id = int(listed["id"][0])
    at = datetime(2026, 11, 20, 9, 0)
    assert missing_deals.close(empty, admin, [deal_id], now=at) == 1
    closed = empty.execute(
        "SELECT d.status, s.name, d.lost_reason, d.closed_at, d.close_date, d.updated_by "
        "FROM deals AS d JOIN stages AS s ON s.id = d.stage_id WHERE d.id = $id",
        {"id": deal_id},
    ).fetchone()
    today = date.today()
    assert closed == (
        "lost",
        "Closed Lost",
        f"Not in the CRM export imported on {today:%Y-%m-%d}",
        at,
        at.date(),
        admin.id,
    )
    versions = empty.execute(
        "SELECT version, status, change_source, changed_by FROM deal_history "
        "WHERE deal_id = $id ORDER BY version",
        {"id": deal_id},
    ).fetchall()
    assert versions[-2:] == [(1, "open", "import", None), (2, "lost", "edit", admin.id)]
    assert missing_deals.awaiting(empty).empty
    assert facts_out_of_line(empty) == 0
    assert empty.execute("SELECT list(deals_closed_missing ORDER BY id) FROM imports").fetchone()[
        0
    ] == [0, 1]
    assert missing_deals.close(empty, admin, [deal_id]) == 0  # already closed: nothing to do


def test_a_kept_deal_is_not_asked_about_again_until_an_export_holds_it(empty, tmp_path):
    full = salesforce_files(tmp_path)
    run(empty, "salesforce", full)
    admin = users.add(
        empty, name="Ada Admin", email="admin@example.com", role="admin", password="long-enough"
    )
    run(empty, "salesforce", [without_acme(tmp_path)])
    deal_id = int(missing_deals.awaiting(empty)["id"][0])
    assert missing_deals.keep(empty, admin, [deal_id]) == 1
    assert missing_deals.awaiting(empty).empty
    run(empty, "salesforce", [without_acme(tmp_path)])  # missing again: already decided
    assert missing_deals.awaiting(empty).empty
    run(empty, "salesforce", full[:1])  # back in an export: the decision is cleared
    assert empty.execute("SELECT count(*) FROM missing_deals").fetchone()[0] == 0
    run(empty, "salesforce", [without_acme(tmp_path)])  # gone again: asked afresh
    assert list(missing_deals.awaiting(empty)["external_id"]) == ["006A"]
    rep = users.get(empty, empty.execute("SELECT min(id) FROM users").fetchone()[0])
    assert rep.role != "admin"
    with pytest.raises(permissions.PermissionDenied):
        missing_deals.close(empty, rep, [deal_id])
    assert empty.execute("SELECT status FROM deals WHERE id = $id", {"id": deal_id}).fetchone() == (
        "open",
    )


def test_unknown_stages_and_owners_can_map_to_existing_ones(tiny, tmp_path):
    """Tiny has a Negotiation stage and Ann Rep; the export says Negotiation/Review and
    an owner, Zed, nobody here knows."""
    opportunities = (
        "Id,Name,OwnerId,StageName,Amount,CloseDate,IsClosed,IsWon,CreatedDate\n"
        "006X,Xenon deal,Zed,Negotiation/Review,500,2026-12-01,false,false,2026-10-01\n"
        "006Y,Yarrow deal,ann@example.com,Prospecting,700,2026-12-02,false,false,2026-10-02\n"
    )
    path = write(tmp_path, "Opportunity.csv", opportunities)
    preview = run(tiny, "salesforce", [path], write=False)
    assert preview.created.unknown_stages == [("default", "Negotiation/Review", "open")]
    assert preview.created.unknown_owners == ["Zed"]
    assert preview.created.stages == ["Negotiation/Review (open, 90%)"]
    assert preview.created.people == ["Zed"]
    choices = resolve.Choices(stages={("default", "Negotiation/Review"): 6}, owners={"Zed": 4})
    stages_before = tiny.execute("SELECT count(*) FROM stages").fetchone()[0]
    users_before = tiny.execute("SELECT count(*) FROM users").fetchone()[0]
    report = run(tiny, "salesforce", [path], choices=choices)
    assert report.ok and report.written
    assert (report.created.stages, report.created.people) == ([], [])
    assert report.created.unknown_stages == [("default", "Negotiation/Review", "open")]
    assert tiny.execute("SELECT count(*) FROM stages").fetchone()[0] == stages_before
    assert tiny.execute("SELECT count(*) FROM users").fetchone()[0] == users_before
    assert tiny.execute(
        "SELECT external_id, owner_id, stage_id FROM deals WHERE external_id LIKE '006%' "
        "ORDER BY external_id"
    ).fetchall() == [("006X", 4, 6), ("006Y", 4, 1)]


def test_a_choice_that_does_not_fit_is_ignored(tiny, tmp_path):
    """A won stage mapped to an open one, an owner mapped to an executive: both are
    created as if no choice was made."""
    opportunities = (
        "Id,Name,OwnerId,StageName,Amount,CloseDate,IsClosed,IsWon,CreatedDate\n"
        "006W,Walnut deal,Zed,Signed,900,2026-11-01,true,true,2026-10-01\n"
    )
    path = write(tmp_path, "Opportunity.csv", opportunities)
    choices = resolve.Choices(stages={("default", "Signed"): 2}, owners={"Zed": 1})
    report = run(tiny, "salesforce", [path], choices=choices)
    assert report.ok and report.written
    assert report.created.stages == ["Signed (won, 100%)"]
    assert report.created.people == ["Zed"]
    assert tiny.execute(
        "SELECT s.name, u.name FROM deals AS d JOIN stages AS s ON s.id = d.stage_id "
        "JOIN users AS u ON u.id = d.owner_id WHERE d.external_id = '006W'"
    ).fetchone() == ("Signed", "Zed")


def test_an_export_split_into_parts_imports_as_one(empty, tmp_path):
    header, first, second, third = SALESFORCE_OPPORTUNITIES.splitlines()
    part_one = write(tmp_path, "Opportunity-1.csv", f"{header}\n{first}\n{second}\n")
    part_two = write(tmp_path, "Opportunity-2.csv", f"{header}\n{third}\n")
    history, people, accounts = salesforce_files(tmp_path)[1:]
    report = run(empty, "salesforce", [part_one, part_two, history, people, accounts])
    assert report.ok and report.written
    assert [f.name for f in report.files if f.role == "deals"] == [
        "Opportunity-1.csv",
        "Opportunity-2.csv",
    ]
    assert (report.added, report.rows_read) == (3, 3 + 3 + 2 + 2)
    assert totals(empty) == {
        "open": (1, Decimal("1000.50")),
        "won": (1, Decimal("2000.00")),
        "lost": (1, Decimal("300.00")),
    }


def test_problems_in_a_later_part_name_that_file_and_its_own_line(empty, tmp_path):
    header, first, second, third = SALESFORCE_OPPORTUNITIES.splitlines()
    part_one = write(tmp_path, "Opportunity-1.csv", f"{header}\n{first}\n{second}\n")
    repeated = first.replace("Acme renewal", "Acme again")
    broken = third.replace(",300,", ",lots,")
    part_two = write(tmp_path, "Opportunity-2.csv", f"{header}\n{broken}\n{repeated}\n")
    report = run(empty, "salesforce", [part_one, part_two])
    assert problems(report) == [
        ("Opportunity-2.csv", 2, "Amount", "lots", "not an amount"),
        (
            "Opportunity-2.csv",
            3,
            "Id",
            "006A",
            "the same deal ID as row 2 of Opportunity-1.csv",
        ),
    ]
    assert row_counts(empty)["deals"] == 0
    narrower = write(
        tmp_path,
        "Opportunity-3.csv",
        "Id,Name,StageName,CloseDate\n006D,D,Prospecting,2026-12-01\n",
    )
    refused = run(empty, "salesforce", [part_one, narrower])
    assert problems(refused) == [
        (
            "Opportunity-3.csv",
            None,
            None,
            None,
            "holds other deal fields than Opportunity-1.csv: the parts of a split export "
            "must have the same columns",
        )
    ]


def test_hubspot_export_with_fractional_probability(empty, tmp_path):
    text = (
        "Record ID,Deal Name,Deal Stage,Amount,Close Date,Create Date,Deal owner,"
        "Deal probability,Pipeline,Associated Company\n"
        "11,Alpha,Appointment Scheduled,500,2026-12-01 00:00,2026-10-01 09:15,"
        "Hana Sato,0.2,Sales Pipeline,Alpha Ltd\n"
        "12,Beta,Closed Won,750.25,2026-10-20 00:00,2026-09-01 10:00,Hana Sato,1,"
        "Sales Pipeline,Beta GmbH\n"
    )
    report = run(empty, "hubspot", [write(tmp_path, "hubspot-deals.csv", text)])
    assert report.ok, problems(report)
    assert totals(empty) == {"open": (1, Decimal("500.00")), "won": (1, Decimal("750.25"))}
    stages = empty.execute(
        "SELECT pipeline, name, probability, is_won FROM stages ORDER BY position"
    ).fetchall()
    assert stages == [
        ("Sales Pipeline", "Appointment Scheduled", Decimal("0.2000"), False),
        ("Sales Pipeline", "Closed Won", Decimal("1.0000"), True),
    ]


def test_pipedrive_won_deal_at_an_open_stage_moves_to_the_won_stage(empty, tmp_path):
    text = (
        "Deal - ID;Deal - Title;Deal - Value;Deal - Currency;Deal - Stage;Deal - Status;"
        "Deal - Owner;Deal - Organization;Deal - Expected close date;Deal - Deal created;"
        "Deal - Won time;Deal - Lost reason\n"
        "1;Gamma;1.234,56;EUR;Proposal Made;won;Ivo Ilic;Gamma AG;15.10.2026;"
        "01.09.2026 10:00;14.10.2026 16:30;\n"
        "2;Delta;900;EUR;Negotiations Started;lost;Ivo Ilic;Delta AG;20.10.2026;"
        "02.09.2026 11:00;;Price\n"
        "3;Epsilon;100;EUR;Proposal Made;open;Ivo Ilic;;31.12.2026;03.09.2026 12:00;;\n"
    )
    report = run(empty, "pipedrive", [write(tmp_path, "deals.csv", text)])
    assert report.ok, problems(report)
    rows = empty.execute(
        "SELECT d.external_id, s.name, d.status, d.amount, d.currency, d.closed_at, "
        "d.lost_reason FROM deals d JOIN stages s ON s.id = d.stage_id ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("1", "Closed Won", "won", Decimal("1234.56"), "EUR", datetime(2026, 10, 14, 16, 30),
         None),
        ("2", "Closed Lost", "lost", Decimal("900.00"), "EUR", datetime(2026, 10, 20), "Price"),
        ("3", "Proposal Made", "open", Decimal("100.00"), "EUR", None, None),
    ]  # fmt: skip


def test_other_csv_with_a_mapping_semicolons_and_european_dates(empty, tmp_path):
    text = "Ref;Client;Phase;Wert;Abschluss;Verkäufer\nX1;Zeta;Angebot;€ 2.500,00;31.12.2026;Jo\n"
    mapping = fields.Mapping.from_json(
        {
            "deals": {
                "external_id": "Ref",
                "account": "Client",
                "stage": "Phase",
                "amount": "Wert",
                "close_date": "Abschluss",
                "owner": "Verkäufer",
            }
        }
    )
    db.set_setting(empty, "currency", "EUR")  # a German team's database
    report = run(empty, "other", [write(tmp_path, "export.csv", text)], mapping=mapping)
    assert report.ok, problems(report)
    assert empty.execute("SELECT name, amount, currency, close_date FROM deals").fetchone() == (
        "Zeta",
        Decimal("2500.00"),
        "EUR",
        date(2026, 12, 31),
    )


CURRENCY_DEALS = """\
Deal ID,Title,Owner,Stage,Status,Value,Close date
C-1,Euro deal,Ann,Closed Won,won,"€1.000,50",2026-11-02
C-2,Pound deal,Ann,Closed Won,won,£2000,2026-11-02
C-3,Yen deal,Ann,Closed Won,won,¥300,2026-11-02
C-4,Code after,Ann,Closed Won,won,1000 EUR,2026-11-02
C-5,Code before,Ann,Closed Won,won,JPY 2000,2026-11-02
C-6,Dollars,Ann,Closed Won,won,"$1,200.50",2026-11-02
C-7,USD code,Ann,Closed Won,won,USD 700,2026-11-02
C-8,Plain,Ann,Closed Won,won,900,2026-11-02
"""


def test_an_amount_in_another_currency_is_refused_not_summed(empty, tmp_path):
    report = run(empty, "other", [write(tmp_path, "deals.csv", CURRENCY_DEALS)])
    assert not report.ok and not report.written
    refused = [(p["row"], p["value"], p["problem"].split(",")[0]) for p in report.problems]
    assert refused == [
        (2, "€1.000,50", "written in EUR"),
        (3, "£2000", "written in GBP"),
        (4, "¥300", "written in yen or yuan"),
        (5, "1000 EUR", "written in EUR"),
        (6, "JPY 2000", "written in JPY"),
    ]
    assert "but the deal's currency is USD (the database's" in report.problems[0]["problem"]
    assert totals(empty) == {}


def test_a_currency_column_gives_each_deal_its_currency(empty, tmp_path):
    text = (
        "Deal ID,Title,Owner,Stage,Status,Value,Currency,Close date\n"
        'E-1,Euro deal,Ann,Closed Won,won,"€1.000,50",EUR,2026-11-02\n'
        "U-1,Dollar deal,Ann,Closed Won,won,$700,USD,2026-11-02\n"
        "G-1,Pound deal,Ann,Closed Won,won,£10,EUR,2026-11-02\n"
    )
    mapping = fields.Mapping.from_json(
        {"deals": {**fields.suggest("other", "deals", text.split("\n")[0].split(",")),
                   "currency": "Currency"}}
    )  # fmt: skip
    report = run(empty, "other", [write(tmp_path, "deals.csv", text)], mapping=mapping)
    assert [(p["row"], p["problem"].split(",")[0]) for p in report.problems] == [
        (4, "written in GBP")
    ]
    fixed = text.replace("£10,EUR", "10,EUR")
    report = run(empty, "other", [write(tmp_path, "deals.csv", fixed)], mapping=mapping)
    assert report.ok, problems(report)
    stored = empty.execute("SELECT external_id, amount, currency FROM deals ORDER BY 1").fetchall()
    assert stored == [
        ("E-1", Decimal("1000.50"), "EUR"),
        ("G-1", Decimal("10.00"), "EUR"),
        ("U-1", Decimal("700.00"), "USD"),
    ]
    # The figures add them at face value, and the pages say so (notices.other_currencies).
    assert health.other_currencies(empty, "USD") == [("EUR", 2)]


def test_excel_workbook(empty, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "name", "stage", "amount", "close_date", "owner"])
    sheet.append(["E1", "First", "Won", 1000, "2026-05-01", "Kim"])
    sheet.append(["E2", "Plain", "Demo", "250.5", "2026-12-01", "Kim"])
    path = tmp_path / "deals.xlsx"
    book.save(path)
    report = run(empty, "other", [path])
    assert report.ok, problems(report)
    assert report.files[0].encoding == "xlsx"
    assert totals(empty) == {"won": (1, Decimal("1000.00")), "open": (1, Decimal("250.50"))}


NO_CREATION_DATES = """\
id,name,stage,status,amount,close_date,created_at,owner
N1,Dated,Demo,open,100,2026-12-20,2026-10-01,Kim
N2,Closing only,Demo,open,200,2026-12-15,,Kim
N3,Nothing at all,Prospecting,open,300,,,Kim
N4,Nor this,Prospecting,open,400,,,Kim
"""


@pytest.mark.parametrize(
    ("fallback", "created", "said"),
    [
        (None, datetime(2026, 11, 30, 9), "the export's date, 2026-11-30"),
        ("earliest", datetime(2026, 10, 1), "the file's earliest creation date, 2026-10-01"),
        ("2026-06-15", datetime(2026, 6, 15), "2026-06-15, the date chosen"),
    ],
)
def test_deals_without_a_creation_date_say_what_they_count_from(
    empty, tmp_path, fallback, created, said
):
    request = importer.Request(
        "other",
        [write(tmp_path, "deals.csv", NO_CREATION_DATES)],
        stamp=datetime(2026, 11, 30, 9),
        created_fallback=fallback,
    )
    report = importer.run(empty, request)
    assert report.ok, problems(report)
    assert (
        "3 deals have no creation date: each counts as created on its earliest known date "
        f"(closed, close date, last change); 2 with none of those count from {said}."
    ) in report.notes
    rows = dict(empty.execute("SELECT external_id, created_at FROM deals").fetchall())
    assert rows == {
        "N1": datetime(2026, 10, 1),
        "N2": min(datetime(2026, 12, 15), created),  # its close date, unless earlier
        "N3": created,
        "N4": created,
    }


def test_deals_closing_before_they_were_created_are_reported(empty, tmp_path):
    text = (
        "id,name,stage,status,amount,close_date,created_at,owner\n"
        "B1,Backwards,Closed Won,won,100,2026-03-01,2026-04-01,Kim\n"
        "B2,Fine,Closed Won,won,100,2026-05-01,2026-04-01,Kim\n"
    )
    report = run(empty, "other", [write(tmp_path, "deals.csv", text)])
    assert report.ok, problems(report)
    assert (
        "Closing before their creation date: 1 deal (B1). They are imported as they are "
        "and Data health lists them; editing one checks only the dates the edit changes."
    ) in report.notes


def test_formulas_without_calculated_values_are_refused_by_cell(empty, tmp_path):
    """A workbook saved by a program that does not calculate holds formulas with no value
    beside them: read as they are, the amounts would be blank. Refused, naming cells."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Deals"
    sheet.append(["id", "name", "stage", "amount", "close_date", "owner"])
    sheet.append(["E1", "First", "Won", "=1000*2", "2026-05-01", "Kim"])
    sheet.append(["E2", "Second", "Demo", 250.5, "=TODAY()", "Kim"])
    path = tmp_path / "deals.xlsx"
    book.save(path)  # openpyxl writes formulas without values, like such programs do
    report = run(empty, "other", [path])
    assert not report.ok and totals(empty) == {}
    assert [p["problem"] for p in report.problems] == [
        "2 cells hold formulas without a calculated value (sheet 'Deals', row 2, column D: "
        "=1000*2; sheet 'Deals', row 3, column E: =TODAY()). Open the file in Excel (or "
        "another spreadsheet that calculates), save it, and import it again."
    ]


def test_cells_that_look_like_formulas_are_stored_as_text(empty, tmp_path):
    text = 'id,name,stage,next_step\nF1,"=HYPERLINK(""http://x"")",Open,+1-555\nF2,@cmd,Open,-x\n'
    mapping = fields.Mapping.from_json(
        {"deals": {"external_id": "id", "name": "name", "stage": "stage", "next_step": "next_step"}}
    )
    report = run(empty, "other", [write(tmp_path, "deals.csv", text)], mapping=mapping)
    assert report.ok, problems(report)
    rows = empty.execute("SELECT name, next_step FROM deals ORDER BY external_id").fetchall()
    assert rows == [('=HYPERLINK("http://x")', "+1-555"), ("@cmd", "-x")]


# ------------------------------------------------------------------------ real exports


@needs_salesforce
def test_salesforce_sample_with_its_history(empty):
    files = [SALESFORCE / n for n in ("Opportunity.csv", "OpportunityHistory.csv", "Account.csv")]
    report = run(empty, "salesforce", files)
    assert report.ok, problems(report)
    assert report.date_order == importer.MONTH_FIRST
    assert (report.added, report.rows_read) == (36, 36 + 48 + 18)
    # Worked out from Opportunity.csv: StageName Closed Won 12 deals, Closed Lost 8, open 16.
    assert totals(empty) == {
        "won": (12, Decimal("2815000.00")),
        "lost": (8, Decimal("830000.00")),
        "open": (16, Decimal("2115000.00")),
    }
    # 006bm00000LKgOnAAL: Prospecting, then Closed Won, then Closed Lost (history rows
    # given out of order in the file).
    versions = empty.execute(
        "SELECT h.version, h.valid_from, s.name FROM deal_history h "
        "JOIN stages s ON s.id = h.stage_id WHERE h.external_id = '006bm00000LKgOnAAL' "
        "ORDER BY h.version"
    ).fetchall()
    assert versions == [
        (1, datetime(2026, 2, 24), "Prospecting"),
        (2, datetime(2026, 2, 24, 2, 20), "Closed Won"),
        (3, datetime(2026, 3, 7, 20, 59), "Closed Lost"),
    ]
    assert empty.execute("SELECT count(*) FROM accounts").fetchone()[0] == 18


@needs_maven
def test_maven_crm_figures_are_exactly_the_raw_files(empty):
    mapping = fields.Mapping.from_json(json.loads(MAVEN_MAPPING.read_text()))
    names = ("sales_pipeline.csv", "sales_teams.csv", "accounts.csv", "products.csv")
    report = run(empty, "other", [MAVEN / n for n in names], mapping=mapping)
    assert report.ok, problems(report)
    # sales_pipeline.csv: 4,238 Won (close_value 10,005,534), 2,473 Lost (0), 1,589
    # Engaging and 500 Prospecting; open deals are valued at their product's list price
    # ("GTXPro" is "GTX Pro" in products.csv): 3,892,229 + 1,073,986.
    assert totals(empty) == {
        "won": (4238, Decimal("10005534.00")),
        "lost": (2473, Decimal("0.00")),
        "open": (2089, Decimal("4966215.00")),
    }
    won = attainment.by_period(empty, date(2017, 12, 31)).set_index("period")["won"]
    # Won by close_date: 2017 Q1 1,134,672; Q2 3,086,111; Q3 2,982,255; Q4 2,802,496.
    assert won["YTD"] == Decimal("10005534.00")
    assert won["QTD"] == Decimal("2802496.00")
    q2 = attainment.by_period(empty, date(2017, 6, 30)).set_index("period")["won"]
    assert q2["QTD"] == Decimal("3086111.00")
    assert q2["YTD"] == Decimal("4220783.00")
    teams = empty.execute(
        "SELECT t.name, count(u.id) FROM teams t JOIN users u ON u.team_id = t.id "
        "WHERE u.role = 'rep' GROUP BY ALL ORDER BY 1"
    ).fetchall()
    # sales_teams.csv: 35 agents under 6 managers, Dustin Brinkmann's 5, the others 6.
    assert teams == [
        ("Cara Losch's team", 6),
        ("Celia Rouche's team", 6),
        ("Dustin Brinkmann's team", 5),
        ("Melvin Marxen's team", 6),
        ("Rocco Neubert's team", 6),
        ("Summer Sewald's team", 6),
    ]
    # regional_office: three regions above the six managers' teams.
    tree = empty.execute(
        "SELECT array_to_string(path, ' › ') FROM team_tree() ORDER BY path"
    ).fetchall()
    assert [path for (path,) in tree] == [
        "Central", "Central › Dustin Brinkmann's team", "Central › Melvin Marxen's team",
        "East", "East › Cara Losch's team", "East › Rocco Neubert's team",
        "West", "West › Celia Rouche's team", "West › Summer Sewald's team",
    ]  # fmt: skip
    regions = attainment.by_team(empty, date(2017, 12, 31), "YTD").to_pandas()
    by_region = regions[regions["depth"] == 0].set_index("team")["won"]
    assert sum(by_region) == Decimal("10005534.00")  # every win under exactly one region
    stages = empty.execute("SELECT name FROM stages ORDER BY position").fetchall()
    assert stages == [("Prospecting",), ("Engaging",), ("Won",), ("Lost",)]
    assert "1,425 deals name no account." in report.notes


def test_salesforce_roles_become_the_team_tree(empty, tmp_path):
    """UserRole.csv (the role hierarchy) and User.csv's UserRoleId: each role a person
    holds is a team, under its parent role's team, up to the top role."""
    files = salesforce_files(tmp_path)
    files[2] = write(tmp_path, "User.csv", (
        "Id,Name,Email,IsActive,UserRoleId\n"
        "005A,Ada Lovelace,ada@example.com,true,00E3\n"
        "005B,Bob Byte,bob@example.com,true,00E2\n"
    ))  # fmt: skip
    files.append(write(tmp_path, "UserRole.csv", (
        "Id,Name,ParentRoleId\n"
        "00E1,VP Sales,\n"
        "00E2,Americas,00E1\n"
        "00E3,West Coast,00E2\n"
    )))  # fmt: skip
    report = run(empty, "salesforce", files)
    assert report.ok, problems(report)
    assert [f.role for f in report.files][-1] == "roles"
    tree = empty.execute(
        "SELECT array_to_string(path, ' › ') FROM team_tree() ORDER BY path"
    ).fetchall()
    assert [path for (path,) in tree] == [
        "VP Sales",
        "VP Sales › Americas",
        "VP Sales › Americas › West Coast",
    ]
    people = dict(
        empty.execute(
            "SELECT u.name, t.name FROM users u JOIN teams t ON t.id = u.team_id ORDER BY 1"
        ).fetchall()
    )
    assert people == {"Ada Lovelace": "West Coast", "Bob Byte": "Americas"}
    # Bob's win (006B, 2,000) counts for Americas and the VP above it, not West Coast.
    table = attainment.by_team(empty, date(2026, 3, 31), "YTD").to_pandas()
    assert table["won"].tolist() == [Decimal("2000.00"), Decimal("2000.00"), Decimal("0")]


# ------------------------------------------------------------------------- bad input


def test_windows_1252_and_utf16_files_are_read(empty, tmp_path):
    text = "id,name,stage,amount,owner\nW1,Café Müller €,Open,10,Zoë\n"
    for index, encoding in enumerate(("cp1252", "utf-16")):
        path = write(tmp_path, f"deals{index}.csv", text.replace("W1", f"W{index}"), encoding)
        report = run(empty, "other", [path])
        assert report.ok, problems(report)
        assert report.files[0].encoding == ("windows-1252" if index == 0 else "utf-16")
    names = empty.execute("SELECT name FROM deals ORDER BY external_id").fetchall()
    assert names == [("Café Müller €",), ("Café Müller €",)]
    assert empty.execute("SELECT name FROM users WHERE name LIKE 'Zo%'").fetchone() == ("Zoë",)


def test_ambiguous_dates_are_reported_not_guessed(empty, tmp_path):
    path = write(tmp_path, "deals.csv", "id,stage,close_date\nA,Open,02/03/2026\n")
    report = run(empty, "other", [path])
    assert not report.ok
    assert "02/03/2026 read as month-first or day-first" in report.problems[0]["problem"]
    chosen = run(empty, "other", [path], date_order=importer.DAY_FIRST)
    assert chosen.ok
    assert empty.execute("SELECT close_date FROM deals").fetchone() == (date(2026, 3, 2),)


def test_every_bad_row_is_reported_and_nothing_is_written(empty, tmp_path):
    text = (
        "id,stage,amount,close_date,probability\n"
        "A,Open,-5,2026-01-01,10\n"
        "B,Open,abc,2026-13-45,10\n"
        "A,Open,5,2026-01-01,150\n"
        ",Open,1e13,2026-01-01,\n"
        "C,,12.345,,\n"
    )
    before = row_counts(empty)
    report = run(empty, "other", [write(tmp_path, "deals.csv", text)])
    assert problems(report) == [
        ("deals.csv", 2, "amount", "-5", "a negative amount"),
        ("deals.csv", 3, "amount", "abc", "not an amount"),
        ("deals.csv", 3, "close_date", "2026-13-45", importer.DATE_PROBLEM),
        ("deals.csv", 4, "id", "A", "the same deal ID as row 2"),
        ("deals.csv", 4, "probability", "150", "outside 0 to 100 percent"),
        ("deals.csv", 5, "amount", "1e13", "over 1,000,000,000,000, which no deal can be"),
        ("deals.csv", 5, "id", None, "no deal ID"),
        ("deals.csv", 6, "amount", "12.345", "more than two decimal places (cents)"),
        ("deals.csv", 6, "stage", None, "no stage"),
    ]
    assert row_counts(empty) == before


def test_lines_ending_both_ways_are_read(empty, tmp_path):
    """An export edited on two systems: some lines end in CRLF, others in LF."""
    text = b"id,name,stage\r\nM1,One,Won\nM2,Two,Won\r\nM3,Three,Demo\n"
    path = tmp_path / "deals.csv"
    path.write_bytes(text)
    report = run(empty, "other", [path])
    assert report.ok, problems(report)
    assert sorted(n for (n,) in empty.execute("SELECT name FROM deals").fetchall()) == [
        "One", "Three", "Two",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "line", "got"),
    [
        ("id,name,stage\nA1,One,Won\nA2,Two,Won,extra\n", 3, 4),  # the last row, one too many
        ("id,name,stage\nA1,One,Won\nA2,Two\n", 3, 2),  # the last row one short
        ("id,name,stage\nA1,One,Won\nA2,Two,Won,x\nA3,Three,Won\n", 3, 4),  # in the middle
    ],
)
def test_a_line_with_the_wrong_number_of_fields_is_named(empty, tmp_path, text, line, got):
    report = run(empty, "other", [write(tmp_path, "deals.csv", text)])
    assert not report.ok and totals(empty) == {}
    assert [p["problem"] for p in report.problems] == [
        f"line {line} has {got} fields where the header has 3 (a missing or extra delimiter, "
        "or a quote left open); fix that line and import again"
    ]


def test_a_quote_left_open_is_named(empty, tmp_path):
    text = 'id,name,stage\nA1,"One, open,Won\nA2,Two,Won\n'
    report = run(empty, "other", [write(tmp_path, "deals.csv", text)])
    assert [p["problem"] for p in report.problems] == [
        'line 2 opens a quote (") that no later line closes; fix that line and import again'
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "deals.csv: the file is empty"),
        (b"id,stage\n", "deals.csv: has a header line but no rows"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "deals.csv: not a text table (it holds binary data)",
        ),
        (b"Dear team,\nthe numbers are attached.\n", "not recognised as a table of deals"),
        (b"id,amount\n1,5\n", "missing the required column for Stage"),
    ],
)
def test_files_that_are_not_deal_tables(empty, tmp_path, content, message):
    path = tmp_path / "deals.csv"
    path.write_bytes(content)
    report = run(empty, "other", [path])
    assert not report.ok
    text = " ".join(importer.report_lines(report))
    assert message.removeprefix("deals.csv: ") in text
    assert empty.execute("SELECT count(*) FROM deals").fetchone() == (0,)


def test_the_demo_is_replaced_only_when_asked(tmp_path):
    path = tmp_path / "demo.duckdb"
    demo.build(path, demo.DemoSpec(deals=300, as_of=date(2026, 11, 18)))
    con = db.connect(path)
    try:
        files = salesforce_files(tmp_path)
        refused = run(con, "salesforce", files)
        assert "This is the demo database" in refused.problems[0]["problem"]
        assert con.execute("SELECT count(*) FROM deals").fetchone() == (300,)
        short = importer.NewAdmin("Sam Admin", "not-an-address", "short")
        with pytest.raises(validation.ValidationError) as refused_admin:
            run(con, "salesforce", files, replace_demo=True, admin=short, write=False)
        assert [p.field for p in refused_admin.value.problems] == ["Email", "Password"]
        assert con.execute("SELECT count(*) FROM deals").fetchone() == (300,)
        admin = importer.NewAdmin("Sam Admin", "sam@example.com", "a-long-password")
        report = run(con, "salesforce", files, replace_demo=True, admin=admin)
        assert report.ok and report.written
        assert con.execute("SELECT count(*) FROM deals").fetchone() == (3,)
        assert facts_out_of_line(con) == 0  # none of the demo's won or open deals left
        assert con.execute("SELECT count(*) FROM activities").fetchone() == (0,)
        assert users.sign_in_mode(con) == "password"
        sam = users.by_email(con, "sam@example.com")
        assert sam.role == "admin"
        assert users.credentials(con)["usernames"].keys() == {"sam@example.com"}
    finally:
        con.close()


def test_preview_reports_exactly_what_the_import_then_does(empty, tmp_path):
    paths = salesforce_files(tmp_path)
    preview = run(empty, "salesforce", paths, write=False)
    assert not preview.written
    assert empty.execute("SELECT count(*) FROM deals").fetchone() == (0,)
    done = run(empty, "salesforce", paths)
    assert (preview.added, preview.versions_added, preview.created.people) == (
        done.added,
        done.versions_added,
        done.created.people,
    )


def test_an_import_and_a_stream_of_saves_both_land(tiny_path, tmp_path):
    """An admin imports a newer export while a rep saves a deal over and over (on
    cursors of one connection, as in the app). The export changes deals on either side
    of the rep's, so the import's write spans it: the saves wait for the import's turn
    instead of conflicting with it, both land, and a retried write would not repeat the
    import's notes."""
    from bench import crm_export

    files = crm_export.write(tmp_path, 20_000)
    con = db.connect(tiny_path)
    ada = users.add(con, name="Ada Admin", email="ada@example.com", role="admin",
                    password="admin-pass-123")  # fmt: skip
    assert importer.run(con, importer.Request("salesforce", files), actor=ada).written
    opportunities = pd.read_csv(files[0], dtype=str)
    edges = opportunities.index < 2_000
    edges |= opportunities.index >= 18_000
    opportunities.loc[edges, "Amount"] = "777.00"
    opportunities.loc[edges, "LastModifiedDate"] = "12/31/2030 09:00 AM"  # after every other
    opportunities.to_csv(files[0], index=False)
    rep_deal = con.execute(
        "SELECT id, owner_id, version FROM deals WHERE status = 'open' AND external_id > "
        "'006000000009000' ORDER BY external_id LIMIT 1"
    ).fetchone()
    importing = threading.Event()
    finished = threading.Event()
    saved, failures = [], []

    def rep_saving() -> None:
        cursor = engine.cursor(con)
        deal_id, owner_id, version = rep_deal
        owner = users.get(cursor, owner_id)
        importing.wait(timeout=60)
        try:
            while not finished.is_set() or len(saved) < 5:
                change = {"next_step": f"Call {len(saved)}"}
                version = deals.save(cursor, owner, deal_id, version, change).version
                saved.append(version)
        except BaseException as exc:  # reported below
            failures.append(exc)

    saver = threading.Thread(target=rep_saving)
    saver.start()
    importing.set()
    try:
        report = importer.run(engine.cursor(con), importer.Request("salesforce", files), actor=ada)
    finally:
        finished.set()
        saver.join(timeout=300)
    assert failures == []
    assert report.written and report.changed == 4_000
    assert len(report.notes) == len(set(report.notes))
    versions = con.execute(
        "SELECT count(*) FROM deal_history WHERE deal_id = $id AND change_source = 'edit'",
        {"id": rep_deal[0]},
    ).fetchone()[0]
    assert versions == len(saved) and len(saved) >= 5
    assert facts_out_of_line(con) == 0
    con.close()
