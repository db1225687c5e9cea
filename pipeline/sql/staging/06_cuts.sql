-- The cuts the funnel pages slice deals by: the account's segment, the deal's type (new
-- business, expansion, renewal), its source, and its size class (large: an amount at
-- or above the large-deal setting; high-velocity: below it, or no amount yet). A NULL
-- cut keeps every deal.
CREATE OR REPLACE MACRO in_cut(segment, deal_type, source, amount, cut_segment, cut_type,
                               cut_source, cut_size, large_from) AS
    (cut_segment IS NULL OR segment = cut_segment)
    AND (cut_type IS NULL OR deal_type = cut_type)
    AND (cut_source IS NULL OR source = cut_source)
    AND (cut_size IS NULL OR (cut_size = 'large') = coalesce(amount >= large_from, false));
