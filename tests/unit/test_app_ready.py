"""The app is fully set up before it serves: no lazy set-up left for concurrent first requests."""

import app as app_module


def test_callbacks_and_page_router_are_registered_at_start():
    callbacks = app_module.app.callback_map
    assert '{"page":"map","type":"map-graph"}.figure' in callbacks
    assert ".._pages_content.children..._pages_store.data.." in callbacks
    assert app_module.app._got_first_request == {"pages": True, "setup_server": True}
