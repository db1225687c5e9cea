-- Qualification and profitability on every deal, versioned like its other fields, and
-- on-target earnings on each person for quota planning.
--
-- qualification: the criteria of a qualification framework the deal has met, as their
--   keys in the framework's order joined by commas ("budget,authority"); see
--   pipeline/qualification.py. A deal is qualified when it meets every criterion of
--   the framework chosen in the settings.
-- cost: what winning the deal costs to deliver (the margin is amount - cost); NULL
--   when not known, which is not a cost of zero.
-- ote: a rep's on-target earnings for a year; NULL when not known.
ALTER TABLE deals ADD COLUMN qualification VARCHAR;
ALTER TABLE deals ADD COLUMN cost DECIMAL(18, 2);
ALTER TABLE deal_history ADD COLUMN qualification VARCHAR;
ALTER TABLE deal_history ADD COLUMN cost DECIMAL(18, 2);
ALTER TABLE users ADD COLUMN ote DECIMAL(18, 2);
