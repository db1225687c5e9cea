"""Sign-in, run by the frame before any page.

Two modes, chosen by pipeline.users.sign_in_mode: the generated demo database offers a
clearly labelled persona picker (no passwords exist there); every other database asks
for an e-mail and password through streamlit-authenticator, which checks the bcrypt
hash and keeps people signed in with a signed cookie. The signed-in user's id lives in
st.session_state; the user is read again whenever the people or settings change (see
data.run_for_plan), so disabling a user takes effect on their next run.
"""

from __future__ import annotations

import streamlit as st
import streamlit_authenticator as stauth

from pages.components import data, store
from pages.components.format import markdown_text
from pipeline import org, users

USER_KEY = "user_id"
COOKIE_NAME = "sales_pipeline_sign_in"
COOKIE_DAYS = 7


def current_user() -> users.User | None:
    """The signed-in, still active user, or None."""
    user_id = st.session_state.get(USER_KEY)
    user = None if user_id is None else data.run_for_plan(users.get, user_id=user_id)
    if user is None or not user.active:
        st.session_state.pop(USER_KEY, None)
        return None
    return user


def signed_in() -> users.User:
    """For pages: the user the frame signed in for this run."""
    return st.session_state["signed_in_user"]


def sign_in() -> None:
    """The sign-in screen for the database's mode."""
    if users.sign_in_mode_of(data.stored_settings()) == "demo":
        persona_picker()
    else:
        password_sign_in()


def persona_picker() -> None:
    st.title("Sales pipeline")
    st.info(
        "**Demo: choose who you are.** This is the built-in demo database, so there are no "
        "passwords: pick a person to see the dashboard through their eyes. A real database "
        "always asks for an e-mail and password.",
        icon=":material/theater_comedy:",
    )
    people = {user.id: user for user in users.active_users(store.cursor())}
    teams = data.run_for_plan(org.teams).set_index("id")["path"].to_dict()

    def label(user_id: int) -> str:
        user = people[user_id]
        team = f", {teams[user.team_id]}" if user.team_id in teams else ""
        return f"{user.name} — {user.role}{team}"

    choice = st.selectbox("I am", list(people), format_func=label, key="demo_persona")
    if st.button("Continue", type="primary", key="demo_sign_in"):
        st.session_state[USER_KEY] = choice
        st.rerun()


def authenticator() -> stauth.Authenticate:
    con = store.cursor()
    return stauth.Authenticate(
        users.credentials(con), COOKIE_NAME, users.cookie_key(con), COOKIE_DAYS, auto_hash=False
    )


def password_sign_in() -> None:
    if not users.credentials(store.cursor())["usernames"]:
        st.title("Sign in")
        st.warning(
            "Nobody can sign in to this database yet. Create the first administrator from "
            "a terminal:\n\n`python -m pipeline users add --role admin --email you@example.com "
            '--name "Your Name"`',
            icon=":material/person_add:",
        )
        return
    fields = {"Form name": "Sign in", "Username": "E-mail", "Password": "Password"}
    fields["Login"] = "Sign in"
    try:
        authenticator().login(location="main", key="sign_in", fields=fields)
    except Exception as exc:  # the library raises its own errors for bad input
        st.error(str(exc))
        return
    status = st.session_state.get("authentication_status")
    if status:
        user = users.by_email(store.cursor(), st.session_state["username"])
        if user is not None and user.active:
            st.session_state[USER_KEY] = user.id
            if COOKIE_NAME in st.context.cookies:
                st.rerun()  # signed in by the cookie: go straight on
            # Signed in by the form: the library has just placed a component that stores
            # the cookie and then reruns the app. Rerunning now as well would put that
            # rerun in the middle of the first signed-in run, which resets the widgets it
            # had seeded (the shared link's filters); so let the component's rerun go on.
            st.info("Signed in. Opening the dashboard…", icon=":material/login:")
    elif status is False:
        st.error("That e-mail and password do not match an active user.")


def sidebar(user: users.User) -> None:
    with st.sidebar:
        demo = users.sign_in_mode_of(data.stored_settings()) == "demo"
        note = " · demo persona" if demo else ""
        st.caption(f"Signed in as **{markdown_text(user.name)}** · {user.role}{note}")
        if st.button("Sign out", key="sign_out", icon=":material/logout:"):
            sign_out(demo)


def sign_out(demo: bool) -> None:
    if not demo and st.session_state.get("authentication_status"):
        authenticator().logout(location="unrendered")
    st.session_state.pop(USER_KEY, None)
    st.rerun()
