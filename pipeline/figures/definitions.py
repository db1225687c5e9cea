"""The plain-words definition of every figure, as "How is this computed?" shows it."""

DEFINITIONS = {
    "won": "Won revenue: the sum of amount over deals won with their close time inside the "
    "period, up to the end of the as-of day, as the deals stood then (rebuilt from history).",
    "quota": "Quota: monthly quotas summed over the whole period. A partly covered month "
    "(only in a week) counts its quota times the share of its days covered. Every level of "
    "the organisation (company, region, team, person) uses its own plan for a month when it "
    "has one, otherwise the sum of the quotas of the levels right below it, decided level by "
    "level. A quota whose plan covers only some months of the period says so.",
    "attainment": "Attainment = won revenue / quota for the period. No quota: not shown.",
    "pace": "Pace = quotas of the period's months already complete + the current month's "
    "quota x the share of it elapsed (through the end of the as-of day): where the team should "
    "be by now to finish on quota.",
    "gap": "Gap = quota - won: what is still to close this period.",
    "vs_pace": "Versus pace = won - pace: ahead (positive) or behind (negative) the plan to date.",
    "forecast": "Forecast for the quarter: Closed = won so far; Commit forecast = closed + "
    "commit; Best-case forecast = closed + commit + best case. Open deals count when their "
    "close date is in the quarter, in their forecast category (the deal's own, else its "
    "stage's).",
    "coverage": "Coverage = open pipeline (commit + best case + pipeline) closing in the "
    "period / (quota - won). The target is the coverage-target setting.",
    "weighted": "Weighted = amount x probability: the deal's probability override when set, "
    "otherwise its stage's probability. Summed exactly and rounded to the cent once, at the "
    "end.",
    "stale": "Stale: no activity logged for more than the stale-after days (a setting; "
    "default 14). A deal never touched counts from its creation.",
    "overdue": "Overdue: the close date has passed and the deal is still open.",
    "no_next_step": "No next step: the next-step field is empty.",
    "next_step_late": "Next step overdue: the next step's due date has passed.",
    "stuck": "Stuck: in its current stage more than twice the median time deals spent in "
    "that stage (completed stays, from the deal history of all deals).",
    "pipeline": "Open pipeline: open deals with a close date inside the quarter, as they "
    "stood at the end of the as-of day, in the scope (the deals' owners then).",
    "rollups": "Forecast roll-ups: Closed = won so far in the quarter; Commit forecast = "
    "closed + commit; Best-case forecast = closed + commit + best case; Weighted forecast = "
    "closed + weighted open pipeline; Closed + open pipeline = every deal that could still "
    "land. Gap = quota - the roll-up.",
    "calls": "Forecast calls: each person's latest call for the quarter (commit and best "
    "case, submitted on My deals or here). A team's call is its manager's own call when they "
    "made one, otherwise the sum of the calls below it (its teams' and its reps'), level by "
    "level. The system's commit and best case beside them are the roll-ups above, per rep.",
    "statistical": "Statistical forecast: each open deal closing in the quarter wins within it "
    "with the probability its stage has shown: of the scope's deals open in that stage as far "
    "into each of the last four quarters, with a close date in it, the share won inside the "
    "quarter (the rest were lost or slipped out). A stage with fewer than 30 such deals uses "
    "the whole company's rate, else its stage probability (and no slip). The quarter is "
    "simulated many times (seeded, so the same data gives the same result); P10, P50 and P90 "
    "are the won revenue the simulated quarters reach or exceed 90%, 50% and 10% of the time, "
    "closed revenue included. Groups of more than 2,000 deals sharing a probability draw how "
    "many win exactly, and the amount of that many from its normal approximation.",
    "accuracy": "Forecast accuracy: for each quarter that has ended, what each method said at "
    "the end of the day N weeks before the quarter's last day (rebuilt from history), against "
    "what the quarter brought (won revenue). Error = forecast - actual; bias = mean error; "
    "absolute % error = mean |error| / actual. The statistical figure here is its expected "
    "value (closed + amount x win rate), with rates from the quarters before the one assessed.",
    "waterfall": "What changed: the open pipeline closing in the quarter in focus, in the "
    "scope (a deal's owner at each end, in the teams as they are now), at the window's "
    "start and at its end, rebuilt from "
    "history; each deal that changed counts in one bar, judged by where it stood at the two "
    "ends. In at both: increased or decreased by its change in amount. In only at the end: "
    "new (created in the window), moved in (its owner was not in the scope at the start), "
    "else pulled in (its close date came into the quarter, or it reopened). In only at the "
    "start: won, lost, moved out (its owner left the scope), else pushed out (its close "
    "date left the quarter). So start + every bar = end, to the cent. A deal created and "
    "closed inside the window was in neither end's pipeline: it is listed among the wins "
    "or losses, and on no bar. A deal pushed out and pulled back counts by "
    "its two ends only.",
    "pile_up": "Pile-up: an open stage holding more than a third of the scope's open deals or "
    "of their value (in a scope of at least 10 open deals).",
    "customers_lost": "Customers lost: accounts with a deal lost in the window that, at its "
    "end, have no open deal left and no deal won in the year before.",
    "top_deals": "Top deals: the scope's open deals as they stand now, by amount (or weighted "
    "value); pushed in this window = its close date is later than at the window's start.",
    "missing_amount": "Missing amount: an open deal with no amount (allowed only in its "
    "pipeline's first stage).",
    "activity_volume": "Activities: those done (with a done time) in the period so far by "
    "the people in the scope, by kind, person and week (weeks start on Monday); the average "
    "per rep divides the total by the reps in the scope. The trend counts the last four "
    "fiscal quarters.",
    "activity_outcomes": "Outcomes: connect rate = calls connected / calls; meetings held, "
    "no-show and rescheduled; demo no-show rate = demos marked no-show / demos; outbound "
    "touches = calls + e-mails. Activities logged without an outcome count in their kind "
    "only.",
    "first_response": "First response: for deals created in the period so far, the time from "
    "a deal's creation to the first activity done on it; deals with none yet are counted "
    "apart.",
    "touches": "Touches: activities done on a deal while it was open (up to its close), "
    "kept on each deal and moved on by every activity logged. Open deals are counted as "
    "they stand now; closed deals are those won or lost in the period so far. Win rate "
    "per bucket = won / (won + lost).",
    "pipeline_generated": "Pipeline generated: deals created in the period so far, their "
    "count and value as they stand now, by owner and source, beside the same part of the "
    "period before (the first 40 days of last quarter beside this quarter's first 40).",
    "health_score": "Health score = 70 x the share of a rep's open deals failing no hygiene "
    "rule (stale, overdue, stuck, no next step, next step overdue, missing amount) + 30 x "
    "their coverage of this quarter against the coverage target (capped at 1; full when "
    "nothing is left to cover), rounded to a whole number. A pile-up: a stage holding more "
    "than a third of the rep's open deals (with at least 3).",
    "dead_deals": "Dead deals: open deals whose close date passed more than the chosen "
    "number of days ago and that are stale. A clean-out closes them as lost with a reason, "
    "or moves their close date, each deal saved as a new version through the same checks "
    "as the deal form, all or none.",
    "snapshot_funnel": "Snapshot funnel: the open deals in each open stage of the pipeline, "
    "in pipeline order, as they stood at the end of the as-of day, with their amount.",
    "cuts": "Cuts: segment is the deal's account's segment; deal type is new business, "
    "expansion or renewal; source is the deal's source; large deals are those at or above "
    "the large-deal setting (Data & settings), high-velocity ones below it or without an "
    "amount. A deal without an account has no segment.",
    "cohort_funnel": "Cohort funnel: the deals created in the period so far (owned in the "
    "scope now), and how far each got, from its history. Any-stage: a deal counts at "
    "every stage up to the furthest it was ever in (a won deal at every stage), so a "
    "skipped stage counts as passed. Strict: a deal counts at a stage only if it was in "
    "every stage before it, entering them in pipeline order; a skipped stage, or a stage "
    "first entered after the one after it, ends its run there, and a won deal counts as "
    "won only after passing every stage so. Moving back and re-entering a stage never "
    "counts twice (only each stage's first entry does). Step conversion = this step / "
    "the one before; cumulative = this step / the first.",
    "time_in_stage": "Time in stage: completed stays only (from the version that entered "
    "the stage to the next version in another stage), for the deals owned in the scope "
    "now; median and 75th percentile in days. Computed once a day.",
    "win_rate": "Win rate, two ways (the switch changes every win rate on the page): "
    "closed = won / (won + lost) of the deals closed in the period so far; created = won / "
    "every deal created in the period so far, as they stand now (the rest are lost or "
    "still open). Loss rate likewise, with lost in place of won.",
    "average_deal_size": "Average deal size: the amount won in the period so far / the "
    "deals won in it, to the cent.",
    "sales_cycle": "Sales cycle: days from a deal's creation to its win, for the deals won "
    "in the period so far: the mean and the median.",
    "sales_velocity": "Sales velocity = open deals now x win rate x average deal size / "
    "mean sales cycle in days: the value the pipeline closes per day at the current rates.",
    "open_deal_age": "Age of open deals: days since each open deal was created.",
    "loss_reasons": "Loss reasons: the deals lost in the period so far by their lost "
    "reason, blank reasons together as (no reason); the bars count the deals or add up their "
    "value, most first, and the line is the running share of all of it (a Pareto chart).",
    "qualification": "Qualified against not: a deal is qualified when it meets every "
    "criterion of the framework chosen in the settings (BANT: budget, authority, need, "
    "timeline; MEDDIC: metrics, economic buyer, decision criteria, decision process, "
    "identified pain, champion), as it stands now. At each open stage, among the deals "
    "closed in the period that reached it (at it or past it at any point; a won deal every "
    "stage): win rate = won / closed on each side, and the median days from creation to "
    "the win.",
    "margin": "Margin = amount - cost to deliver, over the deals won in the period whose "
    "cost is known (a deal without a cost is left out, not counted at zero); margin share "
    "= margin / the amount of those deals.",
    "reverse_funnel": "Reverse funnel: gap = the quarter's quota - won so far; wins needed = "
    "gap / the average deal size of the last 12 months, rounded up; at each open stage, "
    "conversion = deals won / deals that reached the stage (at it or past it at any "
    "point) among those closed in the last 12 months, and deals needed = wins needed / "
    "conversion, rounded up, against the open deals now at the stage or past it; short = "
    "needed - there, when more are needed. New deals a week: created in the last 13 weeks "
    "/ 13; needed a week: the first stage's shortfall / the weeks left in the quarter.",
    "quota_plan": "Quota plan: the scope's year = its wins of the last 12 months x the "
    "growth factor; spread over the fiscal months by their share of the wins of up to "
    "three complete fiscal years before this one (even months without any); each month "
    "split over the scope's active reps by their share of the last 12 months' wins (or "
    "evenly), x (1 + over-assignment). Every split is exact to the cent: each part gets its "
    "share rounded down to the cent, and the cents left over go to the largest remainders "
    "(ties: the earlier month, the rep listed first). On-target earnings: a rep's year's "
    "quota / their OTE, flagged outside the usual 3-5x.",
}
