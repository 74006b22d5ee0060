"""The Overview against a real coordinator: the figures, recent results and collections that
got worse, once the agent has analysed a real collection (twice, a few sidecars lost between)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from shuttersense.common.results import PhotoStatsResult, PipelineValidationResult
from shuttersense.desktop.agent.context import AgentContext
from shuttersense.desktop.app.services.news import NoticeKind
from shuttersense.desktop.app.settings import AppSettings
from shuttersense.desktop.app.views.overview import OverviewView
from tests.desktop.app.app_factory import SignedInView
from tests.desktop.app.studio import Studio
from tests.desktop.app.team_server import TeamServer

WAIT = 30_000


def test_figures_results_and_worse_collections(
    qtbot: QtBot, studio: Studio, signed_in_view: SignedInView
) -> None:
    first = studio.analyse()
    stats = first.results["photostats"]
    checked = first.results["pipeline_validation"]
    assert isinstance(stats, PhotoStatsResult) and isinstance(checked, PipelineValidationResult)
    orphans = stats.orphaned_images.count + stats.orphaned_sidecars.count

    app, view = signed_in_view("overview", OverviewView, lambda v: v.recent_model.rowCount() == 3)
    assert view.collections.value.text() == "1"
    assert view.files.value.text() == f"{stats.total_files:,}"
    assert view.orphans.value.text() == f"{orphans:,}"
    assert view.inconsistent.value.text() == f"{checked.overall_status['INCONSISTENT']:,}"
    # the agent has just uploaded: the coordinator counts it online
    assert view.pool.text() == "1 agent: 1 online (1 idle, 0 busy, 0 paused), 0 offline — available"
    assert view.agent_state.text() == "Connected, idle"
    rows = {view.recent_model.row(i).tool: view.recent_model.row(i) for i in range(3)}
    assert rows["photostats"].issues_found == orphans
    assert rows["photostats"].collection == studio.collection["name"]
    assert view.recent.showing_table() and not view.worse.showing_table()
    assert view.worse.empty.text() == "No collection got worse since its previous result."

    studio.lose_sidecars(4)
    second = studio.analyse()
    later = second.results["photostats"]
    assert isinstance(later, PhotoStatsResult)
    orphans_now = later.orphaned_images.count + later.orphaned_sidecars.count
    assert orphans_now > orphans
    with qtbot.waitSignal(app.notifier.posted, timeout=WAIT) as posted:
        app.refresh()
    assert posted.args[0].kind is NoticeKind.COLLECTION_WORSE
    assert view.orphans.value.text() == f"{orphans_now:,}"
    worse = [view.worse_model.row(i) for i in range(view.worse_model.rowCount())]
    photostats = next(item for item in worse if item.tool == "photostats")
    assert (photostats.before, photostats.after) == (orphans, orphans_now)
    assert view.worse.showing_table()
    message = app.window.statusBar().currentMessage()  # no tray host: the status bar says it
    assert message == (
        f"{studio.collection['name']} got worse: PhotoStats: {orphans} → {orphans_now} "
        "orphaned files"
    )


def test_a_revoked_sign_in_asks_to_sign_in_again(
    context: AgentContext,
    app_settings: AppSettings,
    team_server: TeamServer,
    studio: Studio,
    signed_in_view: SignedInView,
) -> None:
    with team_server.admin_api() as admin:
        revoked = admin.delete(f"/api/auth/tokens/{studio.signed.token_guid}")
        assert revoked.status_code == 204, revoked.text
    _, view = signed_in_view(
        "overview",
        OverviewView,
        lambda v: "expired or was revoked" in v.notice.text.text(),
    )
    notice = view.notice
    assert notice.action.text() == "Sign &in…"
    assert app_settings.account() is None  # signed out, the server kept for signing in again
    assert app_settings.server_url() == team_server.base
    assert context.identity().name == "Studio Mac"  # the agent stays registered
