-- How many deals (and open deals) hold amounts in each currency.
SELECT currency, count(*) AS deals, count(*) FILTER (WHERE status = 'open') AS open_deals
FROM deals
GROUP BY currency
ORDER BY deals DESC, currency
