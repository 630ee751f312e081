/* Fewer store notifications when Dash draws new components.
 *
 * Dash 4's renderer dispatches one RESET_COMPONENT_STATE action for every component a response
 * creates (each new component clears its path's update counters), and the Redux store then asks
 * every component on the page whether it must re-render: a response that creates N components
 * costs N x (components on the page) checks. On a borough profile a filter change creates ~110
 * components and spent ~70 ms in these checks. Here each reset still updates the store at once,
 * in order; only the notification of the page's components (react-redux's subscription) is held
 * and sent once, after the current task's resets: they read the same final state either way.
 * Every other action notifies as before, and Dash's own callback observers (subscribed before
 * this hook runs) see every action. */
(function () {
  var RESET = "RESET_COMPONENT_STATE";

  function batchResets(store) {
    var holding = false;
    var missed = [];
    var flushing = false;

    function flush() {
      flushing = false;
      var listeners = missed;
      missed = [];
      listeners.forEach(function (listener) { listener(); });
    }

    var subscribe = store.subscribe;
    store.subscribe = function (listener) {
      var held = function () {
        if (!holding) { listener(); return; }
        if (missed.indexOf(listener) < 0) { missed.push(listener); }
      };
      var unsubscribe = subscribe.call(store, held);
      return function () {  // a listener that leaves is not called by a later flush
        var at = missed.indexOf(listener);
        if (at >= 0) { missed.splice(at, 1); }
        return unsubscribe.apply(this, arguments);
      };
    };

    var dispatch = store.dispatch;
    store.dispatch = function (action) {
      if (!action || action.type !== RESET) {
        if (missed.length) { flush(); }  // keep the order: the held notification goes first
        return dispatch.apply(this, arguments);
      }
      holding = true;
      try {
        return dispatch.apply(this, arguments);
      } finally {
        holding = false;
        if (missed.length && !flushing) { flushing = true; queueMicrotask(flush); }
      }
    };
  }

  // The renderer registers its store in window.dash_stores when it creates it, before React
  // subscribes to it: wrap it then.
  function wrap(store) {
    if (store && typeof store.dispatch === "function" && !store.__techmapBatched) {
      store.__techmapBatched = true;
      batchResets(store);
    }
  }
  var stores = window.dash_stores = window.dash_stores || [];
  stores.forEach(wrap);
  var push = stores.push;
  stores.push = function () {
    Array.prototype.forEach.call(arguments, wrap);
    return push.apply(this, arguments);
  };
})();
