"""A pipeline review for the team: the agenda before the meeting and its outcomes after,
as Markdown (paste into a team channel or an e-mail; every text from people is escaped,
so a deal's name cannot turn into a link there) and as an Excel workbook (a sheet per
section, formula-safe). No PDF: Markdown and Excel are what teams paste and file, and no
offline PDF library would earn a dependency here."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd

from pipeline import exporting
from pipeline.formatting import markdown_text, money


@dataclass
class ReviewPack:
    title: str  # "Pipeline review · East · 2 Dec 2026"
    window: str  # "25 Nov 2026 09:00 – 2 Dec 2026 09:00"
    currency: str
    waterfall: list[tuple[str, object]]  # (label, amount): start, each bar, end
    agenda: pd.DataFrame  # name, owner, stage, amount, close_date, next_step, flags
    outcomes: pd.DataFrame | None = None  # deal, note, decision
    actions: pd.DataFrame | None = None  # action_item, owner, due_date, deal
    attendees: str | None = None
    notes: str | None = None


def markdown(pack: ReviewPack) -> str:
    """The review as Markdown: what changed, the agenda, and (after the meeting) notes,
    decisions and action items."""
    text = markdown_text
    lines = [f"# {text(pack.title)}", "", f"Window: {pack.window}", ""]
    if pack.attendees:
        lines += [f"Attended: {text(pack.attendees)}", ""]
    lines += ["## What changed", ""]
    lines += [f"- {label}: {money(amount, pack.currency)}" for label, amount in pack.waterfall]
    lines += ["", "## Agenda", ""]
    for number, row in enumerate(pack.agenda.itertuples(), start=1):
        close = "" if pd.isna(row.close_date) else f", closes {row.close_date:%d %b %Y}"
        flags = f" · {text(row.flags)}" if written(getattr(row, "flags", "")) else ""
        next_step = f" · next: {text(row.next_step)}" if written(row.next_step) else ""
        lines.append(
            f"{number}. **{text(row.name)}** ({text(row.owner)}, {text(row.stage)}, "
            f"{money(row.amount, getattr(row, 'currency', pack.currency))}{close})"
            f"{next_step}{flags}"
        )
    if pack.outcomes is not None and len(pack.outcomes):
        lines += ["", "## Notes and decisions", ""]
        for row in pack.outcomes.itertuples():
            said = [f"note: {text(row.note)}" if written(row.note) else "",
                    f"decision: {text(row.decision)}" if written(row.decision) else ""]  # fmt: skip
            lines.append(f"- **{text(row.deal)}**: " + "; ".join(s for s in said if s))
    if pack.actions is not None and len(pack.actions):
        lines += ["", "## Action items", ""]
        for row in pack.actions.itertuples():
            due = (
                ""
                if pd.isna(row.due_date) or row.due_date is None
                else (f", due {row.due_date:%d %b %Y}")
            )
            deal = f" (on {text(row.deal)})" if written(row.deal) else ""
            who = text(row.owner) if written(row.owner) else "nobody yet"
            done = getattr(row, "done", "")
            box, when = ("[x]", f" (done {text(done)})") if written(done) else ("[ ]", "")
            lines.append(f"- {box} {text(row.action_item)}{deal} — {who}{due}{when}")
    if pack.notes:
        lines += ["", "## Notes", "", text(pack.notes)]
    return "\n".join(lines) + "\n"


def written(value) -> bool:
    """Whether a cell holds text (blank cells come back as None or NaN)."""
    return isinstance(value, str) and value.strip() != ""


def excel(pack: ReviewPack) -> bytes:
    """The review as a workbook: a sheet per section, every text cell formula-safe."""
    sheets = {
        "What changed": pd.DataFrame(
            [(label, float(amount)) for label, amount in pack.waterfall],
            columns=["Bar", f"Amount ({pack.currency})"],
        ),
        "Agenda": pack.agenda,
    }
    if pack.outcomes is not None:
        sheets["Notes and decisions"] = pack.outcomes
    if pack.actions is not None:
        sheets["Action items"] = pack.actions
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            exporting.excel_ready(frame).to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()
