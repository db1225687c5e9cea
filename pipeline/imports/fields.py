"""What an import reads: the kinds of file (roles), the fields of each, and how each
CRM's export names them.

A mapping says, for each role, which column of the file holds each field. The CRM
presets below name the columns of each vendor's standard export; for any other file
the same names are suggested and the person confirms or changes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    required: bool = False
    help: str = ""


# Every role's fields, in the order the staging tables hold them (pipeline/imports/sql).
ROLES: dict[str, tuple[Field, ...]] = {
    "deals": (
        Field("external_id", "Deal ID", True, "the CRM's id of the deal; re-imports match on it"),
        Field("name", "Deal name"),
        Field("account", "Account", help="account name, or its id in the accounts file"),
        Field("owner", "Owner", help="owner name or e-mail, or their id in the people file"),
        Field("stage", "Stage", True),
        Field("status", "Status", help="open / won / lost; else derived from the stage"),
        Field("is_closed", "Is closed", help="true/false (Salesforce IsClosed)"),
        Field("is_won", "Is won", help="true/false (Salesforce IsWon)"),
        Field("amount", "Amount"),
        Field("currency", "Currency"),
        Field("close_date", "Close date"),
        Field("created_at", "Created"),
        Field("closed_at", "Closed at", help="when it was won or lost; else the close date"),
        Field("modified_at", "Last modified", help="dates the new version of a changed deal"),
        Field("probability", "Probability"),
        Field("forecast_category", "Forecast category"),
        Field("deal_type", "Type", help="new business, expansion or renewal"),
        Field("source", "Lead source"),
        Field("next_step", "Next step"),
        Field("lost_reason", "Lost reason"),
        Field("notes", "Description"),
        Field("pipeline", "Pipeline"),
        Field("product", "Product", help="looked up in the products file for a list price"),
        Field("cost", "Cost", help="what winning the deal costs to deliver (for its margin)"),
        Field(
            "qualification",
            "Qualification",
            help="the criteria met, e.g. Budget; Authority (BANT or MEDDIC names)",
        ),
    ),
    "history": (
        Field("deal_external_id", "Deal ID", True),
        Field("changed_at", "Changed at", True),
        Field("stage", "Stage", True),
        Field("amount", "Amount"),
        Field("close_date", "Close date"),
        Field("probability", "Probability"),
        Field("forecast_category", "Forecast category"),
    ),
    "people": (
        Field("external_id", "Person ID"),
        Field("name", "Name", True),
        Field("email", "E-mail"),
        Field("team", "Team"),
        Field("manager", "Manager", help="the manager's name; their team when no team is given"),
        Field("active", "Active"),
        Field("region", "Region", help="the region or division above the person's team"),
        Field("role_id", "Role ID", help="their role in a roles file (Salesforce UserRoleId)"),
    ),
    "accounts": (
        Field("external_id", "Account ID"),
        Field("name", "Account name", True),
        Field("industry", "Industry"),
        Field("segment", "Segment"),
    ),
    "products": (
        Field("name", "Product", True),
        Field("price", "List price", True),
    ),
    # A role hierarchy (Salesforce's UserRole): each role is a team, under its parent.
    "roles": (
        Field("external_id", "Role ID", True),
        Field("name", "Role name", True),
        Field("parent_id", "Parent role ID", True, "the role above it; blank at the top"),
    ),
}

ROLE_LABELS = {
    "deals": "Deals",
    "history": "Deal history",
    "people": "People",
    "accounts": "Accounts",
    "products": "Products",
    "roles": "Roles (team hierarchy)",
}

SOURCES = {
    "salesforce": "Salesforce",
    "hubspot": "HubSpot",
    "pipedrive": "Pipedrive",
    "other": "Other CSV or Excel",
}

# Column names each vendor's export uses, per role and field. "other" falls back to
# every vendor's names plus the plain ones.
PRESETS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "salesforce": {
        "deals": {
            "external_id": ("Id", "Opportunity ID"),
            "name": ("Name", "Opportunity Name"),
            "account": ("AccountId", "Account ID", "Account Name"),
            "owner": ("OwnerId", "Owner ID", "Opportunity Owner"),
            "stage": ("StageName", "Stage"),
            "is_closed": ("IsClosed", "Closed"),
            "is_won": ("IsWon", "Won"),
            "amount": ("Amount",),
            "currency": ("CurrencyIsoCode", "Opportunity Currency"),
            "close_date": ("CloseDate", "Close Date"),
            "created_at": ("CreatedDate", "Created Date"),
            "modified_at": ("LastModifiedDate", "Last Modified Date"),
            "probability": ("Probability", "Probability (%)"),
            "forecast_category": ("ForecastCategoryName", "Forecast Category"),
            "deal_type": ("Type",),
            "source": ("LeadSource", "Lead Source"),
            "next_step": ("NextStep", "Next Step"),
            "lost_reason": ("Loss_Reason__c", "Loss Reason"),
            "notes": ("Description",),
        },
        "history": {
            "deal_external_id": ("OpportunityId", "Opportunity ID"),
            "changed_at": ("CreatedDate", "Created Date"),
            "stage": ("StageName", "Stage"),
            "amount": ("Amount",),
            "close_date": ("CloseDate", "Close Date"),
            "probability": ("Probability",),
            "forecast_category": ("ForecastCategory", "ForecastCategoryName"),
        },
        "people": {
            "external_id": ("Id", "User ID"),
            "name": ("Name", "Full Name"),
            "email": ("Email",),
            "active": ("IsActive", "Active"),
            "role_id": ("UserRoleId", "Role ID"),
        },
        "roles": {
            "external_id": ("Id", "Role ID"),
            "name": ("Name", "Role Name"),
            "parent_id": ("ParentRoleId", "Parent Role ID"),
        },
        "accounts": {
            "external_id": ("Id", "Account ID"),
            "name": ("Name", "Account Name"),
            "industry": ("Industry",),
            "segment": ("Type", "Segment"),
        },
    },
    "hubspot": {
        "deals": {
            "external_id": ("Record ID", "Deal ID", "hs_object_id"),
            "name": ("Deal Name", "dealname"),
            "account": ("Associated Company", "Company name", "Associated Company (Primary)"),
            "owner": ("Deal owner", "Deal Owner", "hubspot_owner_id"),
            "stage": ("Deal Stage", "dealstage"),
            "amount": ("Amount", "amount"),
            "currency": ("Currency", "deal_currency_code"),
            "close_date": ("Close Date", "closedate"),
            "created_at": ("Create Date", "createdate"),
            "modified_at": ("Last Modified Date", "hs_lastmodifieddate"),
            "probability": ("Deal probability", "hs_deal_stage_probability"),
            "forecast_category": ("Forecast category", "hs_manual_forecast_category"),
            "deal_type": ("Deal Type", "dealtype"),
            "source": ("Original Source Type", "Original Traffic Source"),
            "next_step": ("Next step", "hs_next_step"),
            "lost_reason": ("Closed Lost Reason", "closed_lost_reason"),
            "notes": ("Deal Description", "description"),
            "pipeline": ("Pipeline", "pipeline"),
        },
    },
    "pipedrive": {
        "deals": {
            "external_id": ("Deal - ID", "ID", "Id"),
            "name": ("Deal - Title", "Title"),
            "account": ("Deal - Organization", "Organization"),
            "owner": ("Deal - Owner", "Owner"),
            "stage": ("Deal - Stage", "Stage"),
            "status": ("Deal - Status", "Status"),
            "amount": ("Deal - Value", "Value"),
            "currency": ("Deal - Currency", "Currency"),
            "close_date": ("Deal - Expected close date", "Expected close date"),
            "created_at": ("Deal - Deal created", "Deal created"),
            "closed_at": ("Deal - Won time", "Won time", "Deal - Lost time", "Lost time"),
            "modified_at": ("Deal - Update time", "Update time"),
            "probability": ("Deal - Probability", "Probability"),
            "lost_reason": ("Deal - Lost reason", "Lost reason"),
            "pipeline": ("Deal - Pipeline", "Pipeline"),
            "next_step": ("Deal - Next activity subject", "Next activity subject"),
        },
    },
    "other": {
        "deals": {
            "external_id": ("id", "deal_id", "opportunity_id"),
            "name": ("name", "deal_name", "title"),
            "account": ("account", "account_name", "company", "organization"),
            "owner": ("owner", "sales_agent", "rep", "sales_rep"),
            "stage": ("stage", "deal_stage"),
            "status": ("status",),
            "amount": ("amount", "value", "close_value"),
            "close_date": ("close_date", "expected_close_date"),
            "created_at": ("created_at", "created", "create_date", "engage_date"),
            "product": ("product",),
            "cost": ("cost", "cost_to_deliver", "deal_cost"),
            "qualification": ("qualification", "bant", "meddic"),
        },
        "people": {
            "name": ("name", "sales_agent", "rep"),
            "email": ("email",),
            "team": ("team",),
            "manager": ("manager",),
            "region": ("region", "regional_office", "division"),
        },
        "accounts": {
            "name": ("account", "name", "account_name"),
            "industry": ("industry", "sector"),
            "segment": ("segment",),
        },
        "products": {
            "name": ("product", "name"),
            "price": ("sales_price", "price", "list_price"),
        },
    },
}

# Probability columns given as a fraction 0..1 rather than a percentage.
FRACTION_PROBABILITY = {"hubspot"}


def normal(column: str) -> str:
    """A column name compared loosely: case, spaces and punctuation ignored."""
    return re.sub(r"[^a-z0-9]", "", column.lower())


@dataclass
class Mapping:
    """For each role, field name -> the file's column holding it; and the order of the
    stages, first to last, when the files cannot tell it."""

    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    stage_order: list[str] = field(default_factory=list)
    # A deal without a creation date counts from: "export", "earliest" or YYYY-MM-DD.
    created_fallback: str | None = None

    def of(self, role: str) -> dict[str, str]:
        return self.columns.get(role, {})

    def to_json(self) -> dict:
        data: dict = {role: dict(fields) for role, fields in self.columns.items() if fields}
        if self.stage_order:
            data["stage_order"] = list(self.stage_order)
        if self.created_fallback:
            data["created_fallback"] = self.created_fallback
        return data

    @classmethod
    def from_json(cls, data: dict) -> Mapping:
        if not isinstance(data, dict):
            raise ValueError("a mapping is an object of roles, each field -> column")
        data = dict(data)
        order = data.pop("stage_order", [])
        fallback = data.pop("created_fallback", None)
        check_created_fallback(fallback)
        if not isinstance(order, list) or not all(isinstance(s, str) for s in order):
            raise ValueError("stage_order: a list of stage names, first to last")
        columns: dict[str, dict[str, str]] = {}
        for role, fields in data.items():
            if role not in ROLES:
                raise ValueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
            known = {f.name for f in ROLES[role]}
            for name, column in fields.items():
                if name not in known:
                    raise ValueError(f"{role}: unknown field {name!r}")
                if not isinstance(column, str):
                    raise ValueError(f"{role}.{name}: the column must be a name")
            columns[role] = dict(fields)
        return cls(columns, order, fallback)


def check_created_fallback(value) -> None:
    """created_fallback: "export", "earliest" or a date, YYYY-MM-DD (None: "export")."""
    if value is None or value in ("export", "earliest"):
        return
    try:
        date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(
            f"created_fallback: {value!r} is not 'export', 'earliest' or a date (YYYY-MM-DD)"
        ) from None


def candidates(source: str, role: str, name: str) -> tuple[str, ...]:
    """Column names that hold ``name`` in ``source``'s export, best first."""
    own = PRESETS.get(source, {}).get(role, {}).get(name, ())
    if source != "other":
        return own
    others = tuple(
        column
        for vendor in ("salesforce", "hubspot", "pipedrive")
        for column in PRESETS[vendor].get(role, {}).get(name, ())
    )
    return own + others


def suggest(source: str, role: str, headers: list[str]) -> dict[str, str]:
    """The preset's field -> column for the columns this file has."""
    by_normal = {}
    for header in headers:
        by_normal.setdefault(normal(header), header)
    found = {}
    for spec in ROLES[role]:
        for candidate in candidates(source, role, spec.name):
            if normal(candidate) in by_normal:
                found[spec.name] = by_normal[normal(candidate)]
                break
    return found


def guess_role(source: str, headers: list[str], mapping: Mapping | None = None) -> str | None:
    """The role a file plays, judged by its columns: the role whose required fields it
    has (by the given mapping first, else by the preset), preferring the one with the
    most required fields (a history file also has a deal file's id and stage), then the
    most columns matched. None when no role fits."""
    have = {normal(h) for h in headers}
    best, best_score = None, 0
    for role, specs in ROLES.items():
        chosen = (mapping.of(role) if mapping else {}) or suggest(source, role, headers)
        if any(normal(column) not in have for column in chosen.values()):
            continue
        if not all(spec.name in chosen for spec in specs if spec.required):
            continue
        required = sum(spec.required for spec in specs)
        score = 1000 * bool(mapping and mapping.of(role)) + 10 * required + len(chosen)
        if score > best_score:
            best, best_score = role, score
    return best


def closest_role(source: str, headers: list[str]) -> tuple[str, list[Field]] | None:
    """For a file no role fits: the role it matches most columns of, and the required
    fields it lacks for it. None when it matches no column of any role."""
    best, best_count = None, 0
    for role in ROLES:
        count = len(suggest(source, role, headers))
        if count > best_count:
            best, best_count = role, count
    if best is None:
        return None
    found = suggest(source, best, headers)
    return best, [spec for spec in ROLES[best] if spec.required and spec.name not in found]
