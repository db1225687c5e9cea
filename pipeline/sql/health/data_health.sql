-- What may need fixing in the data, one count each (current state of the deals).
SELECT
    (SELECT count(*) FROM deals) AS deals,
    (SELECT count(*) FROM deals WHERE status = 'open') AS open_deals,
    (SELECT count(*) FROM deals AS d JOIN users AS u ON u.id = d.owner_id
     WHERE NOT u.active OR u.name = 'Unassigned') AS without_active_owner,
    (SELECT count(*) FROM deals WHERE amount IS NULL) AS without_amount,
    (SELECT count(*) FROM deals WHERE status = 'open' AND close_date IS NULL)
        AS open_without_close_date,
    (SELECT count(*) FROM deals WHERE status <> 'open' AND close_date IS NULL)
        AS closed_without_close_date,
    (SELECT count(*) FROM deals WHERE close_date < CAST(created_at AS DATE))
        AS closing_before_creation,
    (SELECT coalesce(sum(copies - 1), 0) FROM (
        SELECT count(*) AS copies FROM deals
        GROUP BY lower(name), account_id HAVING count(*) > 1)) AS duplicate_names,
    (SELECT count(*) FROM deals WHERE account_id IS NULL) AS without_account,
    (SELECT count(*) FROM missing_deals AS m JOIN deals AS d ON d.id = m.deal_id
     WHERE m.kept_at IS NULL AND d.status = 'open') AS missing_from_import
