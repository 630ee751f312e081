"""One round trip per filter change (shell/state_change.py): after a click, every callback request
starts before any of them has finished, i.e. no request waits for another's response (a chain).
The old reducer-then-pages chain fails this; so would a page callback taking ids.APP_STATE as Input."""

import pytest

from tests.browser.conftest import wait_for_dash

pytestmark = pytest.mark.browser

# Record every callback request's start and end (ms since the page's origin) in the page itself.
RECORD_CALLBACKS = """
(() => {
    window.__callbacks = [];
    const fetch0 = window.fetch;
    window.fetch = function(url, options) {
        if (!String(url).includes('_dash-update-component')) { return fetch0.apply(this, arguments); }
        const entry = {start: performance.now(), end: null, output: ''};
        try { entry.output = JSON.parse(options.body).output; } catch (e) {}
        window.__callbacks.push(entry);
        return fetch0.apply(this, arguments).then(r => r.clone().text().then(() => {
            entry.end = performance.now(); return r; }));
    };
})();
"""

SETTLED = "() => window.__callbacks.length > 0 && window.__callbacks.every(c => c.end !== null)"


def _one_change(page, act) -> list[dict]:
    """The callback requests one action sets off, once they have all finished."""
    page.evaluate("() => { window.__callbacks.length = 0; }")
    act()
    page.wait_for_function(SETTLED)
    page.wait_for_timeout(400)  # a chained request would start shortly after the first response
    wait_for_dash(page)
    return page.evaluate("() => window.__callbacks")


def _chained(requests: list[dict]) -> list[str]:
    """The requests that started after another request of the same change had finished."""
    first_end = min(r["end"] for r in requests)
    return [r["output"] for r in requests if r["start"] >= first_end]


def test_a_filter_change_on_the_map_page_is_one_round_of_parallel_requests(page, live_server):
    page.add_init_script(RECORD_CALLBACKS)
    page.goto(live_server + "/")
    wait_for_dash(page)
    page.wait_for_timeout(300)
    caption = page.inner_text("#map-caption")
    contracts = page.inner_text("#headline-figures dd")

    # A Select button in the ranked list.
    requests = _one_change(page, lambda: page.locator("#map-ranked button").first.click())
    assert _chained(requests) == []
    outputs = " ".join(r["output"] for r in requests)
    assert "app-state" in outputs and "map-graph" in outputs and "map-ranked-rows" in outputs
    # the headline's values come in the ranked list's payload, written into the cards in place
    assert page.inner_text("#headline-figures dd") != contracts
    assert "authority=" in page.url
    assert page.locator("#map-ranked button[aria-pressed=true]").count() == 1
    assert "Outlined:" in page.inner_text("#map-caption") and page.inner_text("#map-caption") != caption

    # A view setting, then the chip's remove button (which also writes the borough drop-down back).
    for act in (lambda: page.locator("input[type=radio][value=suppliers]").check(),
                lambda: page.locator("#filter-chips button").first.click()):
        requests = _one_change(page, act)
        assert _chained(requests) == [], requests
    assert "authority=" not in page.url and "metric=suppliers" in page.url
    assert page.locator("#map-ranked button[aria-pressed=true]").count() == 0

    # Back restores the borough selection (the URL stays the source of the state).
    page.go_back()
    page.wait_for_function("() => window.location.search.includes('authority')")
    wait_for_dash(page)
    page.wait_for_function("() => document.querySelectorAll('#map-ranked button[aria-pressed=true]').length === 1")
    assert page.watch.errors == []


# Count, after the page has loaded, the resets Dash dispatches for new components and how often the
# store tells a subscriber (as react-redux's) that something changed.
COUNT_NOTIFICATIONS = """() => {
    const store = window.dash_stores[0];
    const counts = window.__counts = {resets: 0, notified: 0, batched: store.__techmapBatched === true};
    const dispatch = store.dispatch;
    store.dispatch = function(action) {
        if (action && action.type === 'RESET_COMPONENT_STATE') { counts.resets += 1; }
        return dispatch.apply(this, arguments);
    };
    store.subscribe(() => { counts.notified += 1; });
}"""


def test_new_components_of_a_change_notify_the_page_once_not_each(page, live_server):
    """assets/00_batched_resets.js: a change that redraws a borough profile (~100 new components)
    tells the page's components in a few notifications rather than one per new component (one
    each made a change on the profile take ~2.4 s instead of ~0.25 s: every notification has every
    component on the page check itself), and the page shows the new state as before."""
    page.add_init_script(RECORD_CALLBACKS)
    page.goto(live_server + "/borough/camden")
    wait_for_dash(page)
    before = page.inner_text("#_pages_content")
    page.evaluate(COUNT_NOTIFICATIONS)
    requests = _one_change(page, lambda: page.evaluate(
        "() => window.dash_clientside.set_props('filter-area', {value: ['online-payments']})"))
    assert _chained(requests) == []
    counts = page.evaluate("() => window.__counts")
    assert counts["batched"] and counts["resets"] > 20, counts
    assert counts["notified"] < counts["resets"], counts  # one each: every reset and more
    page.wait_for_url("**area=online-payments**")
    after = page.inner_text("#_pages_content")
    assert after != before and "Service area: Online payments" in page.inner_text("#filter-chips")
