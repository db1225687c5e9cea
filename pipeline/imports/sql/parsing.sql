-- Parsers for exported text, as temporary macros: every staged value is text and is
-- turned into a typed value here, or into NULL when it cannot be (the checks then
-- report the row). Created once per import connection.

-- Digits with separators only: a currency code ("USD 1,200", "1.200 EUR"), symbols,
-- spaces and apostrophes removed, and an accounting "(1,200)" made "-1,200". Any other
-- character is left in, so the value fails to parse and is reported.
CREATE OR REPLACE TEMP MACRO import_digits(raw) AS
    regexp_replace(
        regexp_replace(
            regexp_replace(trim(raw), '^[A-Z]{3}\s*|\s*[A-Z]{3}$', '', 'g'),
            '^\((.*)\)$', '-\1'
        ),
        '[$€£¥₹\s''’]', '', 'g'
    );

-- A number's text with "." as the decimal point: "12,500.50" (US), "12.500,50" and
-- "12,5" (European decimal comma) and "1.234.567" (European thousands) all become
-- plain decimals. "1.234" stays 1.234: a lone dot group reads as a decimal point.
CREATE OR REPLACE TEMP MACRO import_decimal_text(digits) AS
    CASE
        WHEN regexp_matches(digits, '^-?\d{1,3}(,\d{3})+(\.\d+)?$')
            THEN replace(digits, ',', '')
        WHEN regexp_matches(digits, '^-?\d{1,3}(\.\d{3})+,\d+$')
            OR regexp_matches(digits, '^-?\d{1,3}(\.\d{3}){2,}$')
            THEN replace(replace(digits, '.', ''), ',', '.')
        WHEN regexp_matches(digits, '^-?\d+,\d{1,2}$')
            THEN replace(digits, ',', '.')
        ELSE digits
    END;

CREATE OR REPLACE TEMP MACRO import_blank(raw) AS raw IS NULL OR trim(raw) = '';

-- The currency an amount's text names, if any: a code before or after it ("EUR 1.000",
-- "1000 USD") or a symbol (€ £ ₹; ¥ for yen or yuan; $ for any dollar).
CREATE OR REPLACE TEMP MACRO import_named_currency(raw) AS
    CASE
        WHEN regexp_matches(trim(raw), '^[A-Za-z]{3}\s*[-(0-9]|[0-9)]\s*[A-Za-z]{3}$')
            THEN upper(regexp_extract(trim(raw), '^([A-Za-z]{3})|([A-Za-z]{3})$', 0))
        WHEN contains(raw, '€') THEN 'EUR'
        WHEN contains(raw, '£') THEN 'GBP'
        WHEN contains(raw, '₹') THEN 'INR'
        WHEN contains(raw, '¥') THEN '¥'
        WHEN contains(raw, '$') THEN '$'
    END;

-- Whether an amount written in ``named`` (import_named_currency) is in ``currency``.
CREATE OR REPLACE TEMP MACRO import_same_currency(named, currency) AS
    named IS NULL
    OR named = currency
    OR (named = '$' AND currency IN ('USD', 'CAD', 'AUD', 'NZD', 'SGD', 'HKD', 'MXN'))
    OR (named = '¥' AND currency IN ('JPY', 'CNY'));

-- A money amount, or NULL when the text is not one (the checks report it). Plain
-- "1234.5" is cast at once; anything else goes through the separator rules.
CREATE OR REPLACE TEMP MACRO import_amount(raw) AS
    CASE
        WHEN import_blank(raw) THEN NULL
        WHEN regexp_full_match(raw, '-?\d+(\.\d{1,2})?') THEN TRY_CAST(raw AS DECIMAL(18, 2))
        WHEN regexp_matches(import_decimal_text(import_digits(raw)), '\.\d{3,}$') THEN NULL
        ELSE TRY_CAST(import_decimal_text(import_digits(raw)) AS DECIMAL(18, 2))
    END;

-- More than cents: refused rather than rounded.
CREATE OR REPLACE TEMP MACRO import_sub_cent(raw) AS
    NOT import_blank(raw)
    AND NOT regexp_full_match(raw, '-?\d+(\.\d{1,2})?')
    AND regexp_matches(import_decimal_text(import_digits(raw)), '\.\d{3,}$');

-- A plain number such as a probability ("35", "35%", "0.35").
CREATE OR REPLACE TEMP MACRO import_number(raw) AS
    CASE
        WHEN import_blank(raw) THEN NULL
        WHEN regexp_full_match(raw, '-?\d+(\.\d+)?') THEN TRY_CAST(raw AS DECIMAL(12, 4))
        ELSE TRY_CAST(import_decimal_text(replace(replace(trim(raw), '%', ''), ' ', ''))
            AS DECIMAL(12, 4))
    END;

-- A date's form, from cheap string tests: separator (s = slash, d = dot), digits in
-- the year, colons in the time, p when it ends in AM/PM. "03/31/2024 09:15 PM" is s41p.
CREATE OR REPLACE TEMP MACRO import_date_shape(text) AS
    CASE WHEN contains(text, '/') THEN 's' WHEN contains(text, '.') THEN 'd' ELSE '?' END
    || (strpos(reverse(split_part(text, ' ', 1)),
               CASE WHEN contains(text, '/') THEN '/' ELSE '.' END) - 1)
    || (length(text) - length(replace(text, ':', '')))
    || CASE WHEN upper(text) LIKE '%M' THEN 'p' ELSE '' END;

-- A value's date form for import_when_shaped: 'iso' for ISO text, else its shape plus
-- D or M for the day-first or month-first reading of slashes; NULL when blank.
CREATE OR REPLACE TEMP MACRO import_shape_of(raw, day_first) AS
    CASE
        WHEN import_blank(raw) THEN NULL
        WHEN substr(trim(raw), 5, 1) = '-' THEN 'iso'
        ELSE import_date_shape(trim(raw)) || CASE WHEN day_first THEN 'D' ELSE 'M' END
    END;

-- An instant from the date formats CRMs export: ISO (2024-02-03, 2024-02-03T10:00:00Z),
-- day-first with dots (03.02.2024), and slashes, read month-first (02/03/24) unless the
-- shape says D. The import decides the order for a whole file set, never per value.
-- Each form is parsed with its one format (a list of formats tried per value costs far
-- more); a form not listed here is no date. The shape (import_shape_of) is computed
-- once per value beforehand, since each WHEN below compares it again.
CREATE OR REPLACE TEMP MACRO import_when_shaped(raw, shape) AS
    CASE shape
        WHEN 'iso' THEN TRY_CAST(trim(raw) AS TIMESTAMP)
        WHEN 's20M' THEN try_strptime(trim(raw), '%m/%d/%y')
        WHEN 's21pM' THEN try_strptime(trim(raw), '%m/%d/%y %I:%M %p')
        WHEN 's21M' THEN try_strptime(trim(raw), '%m/%d/%y %H:%M')
        WHEN 's22pM' THEN try_strptime(trim(raw), '%m/%d/%y %I:%M:%S %p')
        WHEN 's22M' THEN try_strptime(trim(raw), '%m/%d/%y %H:%M:%S')
        WHEN 's40M' THEN try_strptime(trim(raw), '%m/%d/%Y')
        WHEN 's41pM' THEN try_strptime(trim(raw), '%m/%d/%Y %I:%M %p')
        WHEN 's41M' THEN try_strptime(trim(raw), '%m/%d/%Y %H:%M')
        WHEN 's42pM' THEN try_strptime(trim(raw), '%m/%d/%Y %I:%M:%S %p')
        WHEN 's42M' THEN try_strptime(trim(raw), '%m/%d/%Y %H:%M:%S')
        WHEN 's20D' THEN try_strptime(trim(raw), '%d/%m/%y')
        WHEN 's21pD' THEN try_strptime(trim(raw), '%d/%m/%y %I:%M %p')
        WHEN 's21D' THEN try_strptime(trim(raw), '%d/%m/%y %H:%M')
        WHEN 's22pD' THEN try_strptime(trim(raw), '%d/%m/%y %I:%M:%S %p')
        WHEN 's22D' THEN try_strptime(trim(raw), '%d/%m/%y %H:%M:%S')
        WHEN 's40D' THEN try_strptime(trim(raw), '%d/%m/%Y')
        WHEN 's41pD' THEN try_strptime(trim(raw), '%d/%m/%Y %I:%M %p')
        WHEN 's41D' THEN try_strptime(trim(raw), '%d/%m/%Y %H:%M')
        WHEN 's42pD' THEN try_strptime(trim(raw), '%d/%m/%Y %I:%M:%S %p')
        WHEN 's42D' THEN try_strptime(trim(raw), '%d/%m/%Y %H:%M:%S')
        WHEN 'd20D' THEN try_strptime(trim(raw), '%d.%m.%y')
        WHEN 'd21pD' THEN try_strptime(trim(raw), '%d.%m.%y %I:%M %p')
        WHEN 'd21D' THEN try_strptime(trim(raw), '%d.%m.%y %H:%M')
        WHEN 'd22pD' THEN try_strptime(trim(raw), '%d.%m.%y %I:%M:%S %p')
        WHEN 'd22D' THEN try_strptime(trim(raw), '%d.%m.%y %H:%M:%S')
        WHEN 'd40D' THEN try_strptime(trim(raw), '%d.%m.%Y')
        WHEN 'd41pD' THEN try_strptime(trim(raw), '%d.%m.%Y %I:%M %p')
        WHEN 'd41D' THEN try_strptime(trim(raw), '%d.%m.%Y %H:%M')
        WHEN 'd42pD' THEN try_strptime(trim(raw), '%d.%m.%Y %I:%M:%S %p')
        WHEN 'd42D' THEN try_strptime(trim(raw), '%d.%m.%Y %H:%M:%S')
        WHEN 'd20M' THEN try_strptime(trim(raw), '%d.%m.%y')
        WHEN 'd21M' THEN try_strptime(trim(raw), '%d.%m.%y %H:%M')
        WHEN 'd22M' THEN try_strptime(trim(raw), '%d.%m.%y %H:%M:%S')
        WHEN 'd40M' THEN try_strptime(trim(raw), '%d.%m.%Y')
        WHEN 'd41M' THEN try_strptime(trim(raw), '%d.%m.%Y %H:%M')
        WHEN 'd42M' THEN try_strptime(trim(raw), '%d.%m.%Y %H:%M:%S')
    END;

-- import_when_shaped for one value (small inputs: tests, single values).
CREATE OR REPLACE TEMP MACRO import_when(raw, day_first) AS
    import_when_shaped(raw, import_shape_of(raw, day_first));

-- Yes/no columns (IsClosed, IsWon): true/false, yes/no, 1/0.
CREATE OR REPLACE TEMP MACRO import_flag(raw) AS
    CASE
        WHEN lower(trim(raw)) IN ('true', 't', 'yes', 'y', '1') THEN true
        WHEN lower(trim(raw)) IN ('false', 'f', 'no', 'n', '0') THEN false
        ELSE NULL
    END;

-- A lookup key: names compared without case, spaces or punctuation, so "GTXPro"
-- finds "GTX Pro".
CREATE OR REPLACE TEMP MACRO import_key(raw) AS
    nullif(regexp_replace(lower(trim(raw)), '[^a-z0-9]', '', 'g'), '');

-- A probability in percent: "35", "35%", or a fraction 0..1 when the source gives
-- fractions (import_fraction).
CREATE OR REPLACE TEMP MACRO import_percent(raw) AS
    import_number(raw) * CASE WHEN getvariable('import_fraction') THEN 100 ELSE 1 END;

-- One of the five forecast categories, whatever the spelling; NULL when none.
CREATE OR REPLACE TEMP MACRO import_forecast_category(raw) AS
    CASE import_key(raw)
        WHEN 'pipeline' THEN 'Pipeline'
        WHEN 'bestcase' THEN 'Best Case'
        WHEN 'commit' THEN 'Commit'
        WHEN 'omitted' THEN 'Omitted'
        WHEN 'closed' THEN 'Closed'
    END;

-- A deal's own probability (fraction) only where it differs from its stage's: the
-- data model's NULL means "the stage's probability".
CREATE OR REPLACE TEMP MACRO import_probability_override(percent, stage_probability) AS
    CASE
        WHEN percent IS NULL OR round(percent / 100, 4) = stage_probability THEN NULL
        ELSE CAST(round(percent / 100, 4) AS DECIMAL(5, 4))
    END;

-- A deal's own forecast category only where it differs from its stage's.
CREATE OR REPLACE TEMP MACRO import_category_override(category, stage_category) AS
    CASE WHEN category <> stage_category THEN category END;

-- Whether an incoming value replaces the deal's current one: always for a new deal,
-- else only when the import maps the field (import_mapped).
CREATE OR REPLACE TEMP MACRO import_takes(existing_id, field) AS
    existing_id IS NULL OR list_contains(getvariable('import_mapped'), field);

-- The value a deal ends up with: the incoming one when import_takes, else its own.
CREATE OR REPLACE TEMP MACRO import_pick(existing_id, field, incoming, current) AS
    CASE WHEN import_takes(existing_id, field) THEN incoming ELSE current END;

-- A stage's kind: the status of the deals it holds.
CREATE OR REPLACE TEMP MACRO import_stage_kind(is_won, is_closed) AS
    CASE WHEN is_won THEN 'won' WHEN is_closed THEN 'lost' ELSE 'open' END;
