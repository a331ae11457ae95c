// Asides (tools/mdbook-under-the-await/src/aside.rs) are collapsed on the page. They open
// wherever a reader must see what is inside: in print.html and whenever the page is printed
// (a closed <details> prints as its summary alone), and around the place a link or a search
// hit lands, which would otherwise be hidden.
(function () {
    "use strict";
    const openAll = () => document.querySelectorAll("details.aside").forEach((aside) => { aside.open = true; });
    const openAround = (element) => {
        for (let at = element; at; at = at.parentElement) {
            if (at.matches && at.matches("details.aside")) at.open = true;
        }
    };
    if (/(^|\/)print\.html$/.test(window.location.pathname)) openAll();
    window.addEventListener("beforeprint", openAll);

    const openTarget = () => {
        if (!window.location.hash) return;
        const target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
        if (target) {
            openAround(target);
            target.scrollIntoView();
        }
    };
    window.addEventListener("hashchange", openTarget);
    openTarget();

    // mdBook's search marks the words it found with <mark> once its index has loaded, after
    // this script ran: open the asides the marks land in as they appear.
    const main = document.querySelector("main");
    if (main) {
        new MutationObserver((changes) => {
            for (const change of changes) {
                change.addedNodes.forEach((node) => {
                    if (node.nodeName === "MARK") openAround(node);
                });
            }
        }).observe(main, { childList: true, subtree: true });
    }
})();
