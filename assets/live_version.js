// Callbacks carry the data version their page was drawn with (web/live_version.py): the version
// comes with the page's layout (X-Dataset-Version) and goes with every callback request, so one
// page never mixes two versions. When the server no longer has it, the page offers a reload.
(function () {
    "use strict";
    var drawn = null;
    var realFetch = window.fetch.bind(window);

    function offerReload() {
        if (document.getElementById("dataset-reload")) { return; }
        var box = document.createElement("div");
        box.id = "dataset-reload";
        box.className = "dataset-reload";
        box.setAttribute("role", "alert");
        var text = document.createElement("p");
        text.textContent = "The data has been updated since this page was loaded.";
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-primary";
        button.textContent = "Reload the page";
        button.addEventListener("click", function () { window.location.reload(); });
        box.append(text, button);
        document.body.prepend(box);
        button.focus();
    }

    window.fetch = function (input, init) {
        var url = typeof input === "string" ? input : (input && input.url) || "";
        if (drawn && url.indexOf("_dash-update-component") !== -1) {
            init = Object.assign({}, init);
            var headers = new Headers(init.headers || {});
            headers.set("X-Dataset-Version-Drawn", drawn);
            init.headers = headers;
        }
        return realFetch(input, init).then(function (response) {
            if (drawn === null && url.indexOf("_dash-layout") !== -1) {
                drawn = response.headers.get("X-Dataset-Version");
            }
            if (response.status === 409 && response.headers.get("X-Dataset-Reload")) {
                offerReload();
            }
            return response;
        });
    };
}());
