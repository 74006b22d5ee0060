"""Solo mode after the key store lost its secrets (a keyring reset, another user profile), with
real processes: the app gives its local user a new password through the embedded coordinator's
own admin command, signs in again without asking anything, says what it did, and the
collection and its results are still there."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.agent.local_runs import run_locally
from shuttersense.desktop.app.api.session import USER_TOKEN
from shuttersense.desktop.app.services.agent_control import AgentState
from shuttersense.desktop.app.services.solo import MENDED_SIGN_IN, SOLO_PASSWORD
from shuttersense.desktop.app.settings import AppSettings
from tests.desktop.app.app_factory import MakeApp
from tests.desktop.app.solo_app import set_up_solo, solo_app, user_api
from tests.desktop.conftest import write_tree
from tests.helpers.samples import FAMILY

WAIT = 90_000  # ms: processes start, on a busy machine


def test_a_lost_password_is_reset_and_nothing_is_lost(
    qtbot: QtBot,
    context: AgentContext,
    app_settings: AppSettings,
    make_app: MakeApp,
    tmp_path: Path,
) -> None:
    folder = write_tree(tmp_path / "Portraits", FAMILY)
    parts = solo_app(make_app, context, agent_poll_ms=200)
    set_up_solo(parts, app_settings, folder)
    base = parts.solo.start(context)
    with user_api(context, base) as api:
        [collection] = api.get("/api/collections").json()
    run_locally(context, collection["guid"], None, offline=False)  # results made before
    parts.solo.stop()
    before = app_settings.account()
    assert before is not None
    old_password = context.keys.get(SOLO_PASSWORD)
    context.keys.delete(SOLO_PASSWORD)  # the keyring was reset
    context.keys.delete(USER_TOKEN)

    app = parts.app
    assert app is not None
    app.start()
    qtbot.waitUntil(lambda: app.window.notice.text.text() == MENDED_SIGN_IN, timeout=WAIT)
    assert "new one" in MENDED_SIGN_IN and "as they were" in MENDED_SIGN_IN  # says what it did
    assert app.first_run is None  # no sign-in asked of the user: there is no password to type
    password = context.keys.get(SOLO_PASSWORD)
    assert password and password != old_password
    after = app_settings.account()
    assert after is not None and after.token_guid != before.token_guid
    assert app_settings.solo()
    # The same user, collection and results, and the agent at work.
    qtbot.waitUntil(lambda: app.overview.collections.value.text() == "1", timeout=WAIT)
    base = parts.coordinator.url
    assert base is not None
    with user_api(context, base) as api:
        assert api.get("/api/auth/me").json()["email"] == before.email
        assert [c["guid"] for c in api.get("/api/collections").json()] == [collection["guid"]]
        assert len(api.get("/api/results").json()) == 2  # PhotoStats and Photo Pairing
    qtbot.waitUntil(lambda: app.tray.status.state is AgentState.IDLE, timeout=WAIT)
