-- Earlier versions wrote the cookie-signing key into the full export's settings.csv,
-- where anyone holding an export could sign a session cookie for any e-mail. Dropping
-- the key makes the app create a new one on its next sign-in: every existing cookie is
-- then refused and people sign in again with their password.
DELETE FROM settings WHERE key = 'auth_cookie_key';
