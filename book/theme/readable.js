// What lets every reader use the pages with a keyboard, a screen reader or a phone; checked in
// every page by ci/browser/check-book.mjs (axe-core, and the pictures' smallest text).
(function () {
    'use strict';

    // The smallest text a picture may show, in CSS px as rendered: a picture's text is 10 to 12
    // units of its SVG (tools/pictures), which max-width: 100% shrank to 5 px on a phone.
    const MIN_PICTURE_TEXT_PX = 11;

    // A box whose content is wider than the box scrolls sideways; a keyboard can only scroll it
    // once it can focus it (WCAG 2.1.1; axe: scrollable-region-focusable). Only boxes that do
    // scroll at the current width join the tab order, and leave it when they no longer scroll.
    const SCROLL_BOXES = 'pre, pre > code, .table-wrapper, .picture-scroll';

    function reachable(box) {
        const scrolls = box.scrollWidth > box.clientWidth + 1
            && /auto|scroll/.test(getComputedStyle(box).overflowX);
        if (scrolls && !box.hasAttribute('tabindex')) {
            box.tabIndex = 0;
            box.setAttribute('data-scroll-focus', '');
        } else if (!scrolls && box.hasAttribute('data-scroll-focus')) {
            box.removeAttribute('tabindex');
            box.removeAttribute('data-scroll-focus');
        }
    }

    // Each picture in a box of its own, drawn at the width that makes its smallest text
    // MIN_PICTURE_TEXT_PX (never smaller than the SVG's own size): where the column is narrower,
    // the box scrolls (pictures.css). The box is named by the picture's title for the moment it
    // has the focus.
    function readablePictures() {
        for (const svg of document.querySelectorAll('figure.picture > svg')) {
            let smallest = Infinity;
            for (const text of svg.querySelectorAll('text')) {
                smallest = Math.min(smallest, parseFloat(getComputedStyle(text).fontSize));
            }
            const scale = smallest > 0 && Number.isFinite(smallest) ? Math.max(1, MIN_PICTURE_TEXT_PX / smallest) : 1;
            const width = (svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width) || parseFloat(svg.getAttribute('width'));
            const box = document.createElement('div');
            box.className = 'picture-scroll';
            const title = svg.querySelector(':scope > title');
            if (title && title.id) {
                box.setAttribute('role', 'group');
                box.setAttribute('aria-labelledby', title.id);
            }
            svg.parentNode.insertBefore(box, svg);
            box.appendChild(svg);
            if (width > 0) svg.style.width = Math.ceil(width * scale * 10) / 10 + 'px'; // rounded up: never under
        }
    }

    // At 1100 px or more (where listings.css lets an experiment's pair reach into the margins), a
    // picture wider than the column at its readable size reaches into the page's margins instead
    // of scrolling: its box grows to each side of the column equally, and past one side when the
    // other has no room (a picture in a list), up to the page's own edge padding (.content's 5 px)
    // and clear of the chapter arrows mdBook fixes at the sides of a wide page. Below that width,
    // or where even that room is too narrow, the box scrolls (pictures.css applies the reach, on
    // the screen only). A picture inside an experiment stays in its half.
    const WIDE = window.matchMedia('(min-width: 1100px)');

    function reachIntoMargins(figure) {
        const box = figure.querySelector(':scope > .picture-scroll');
        const svg = box && box.querySelector(':scope > svg');
        if (!svg) return;
        let start = 0, end = 0;
        const column = figure.getBoundingClientRect();
        const page = document.querySelector('.content');
        if (WIDE.matches && page && column.width > 0) {
            const excess = svg.getBoundingClientRect().width - column.width;
            const pad = getComputedStyle(page);
            let left = page.getBoundingClientRect().left + parseFloat(pad.paddingLeft);
            let right = page.getBoundingClientRect().right - parseFloat(pad.paddingRight);
            for (const arrow of document.querySelectorAll('.nav-wide-wrapper .nav-chapters')) {
                const at = arrow.getBoundingClientRect();
                if (at.width === 0) continue;
                if (at.right <= column.left) left = Math.max(left, at.right);
                if (at.left >= column.right) right = Math.min(right, at.left);
            }
            const roomStart = Math.max(0, Math.floor(column.left - left));
            const roomEnd = Math.max(0, Math.floor(right - column.right));
            if (excess > 0) {
                start = Math.min(Math.ceil(excess / 2), roomStart);
                end = Math.min(Math.ceil(excess - start), roomEnd);
                start = Math.min(Math.ceil(excess - end), roomStart);
            }
        }
        box.style.setProperty('--picture-reach-start', start + 'px');
        box.style.setProperty('--picture-reach-end', end + 'px');
    }

    function widePictures() {
        const figures = Array.from(document.querySelectorAll('figure.picture'))
            .filter((figure) => !figure.closest('.experiment'));
        const all = () => figures.forEach(reachIntoMargins);
        all();
        WIDE.addEventListener('change', all);
        if ('ResizeObserver' in window) {
            // The column moves when the window or the sidebar changes (.content), and a picture
            // in a closed aside has no width until the aside opens (the figure).
            const observer = new ResizeObserver(all);
            const page = document.querySelector('.content');
            if (page) observer.observe(page);
            figures.forEach((figure) => observer.observe(figure));
        }
    }

    // mdBook 0.5's sidebar toggle is a <label> for a hidden checkbox, yet carries aria-expanded,
    // aria-controls and aria-label, which ARIA does not allow on a label (axe: aria-allowed-attr,
    // aria-prohibited-attr), and a keyboard cannot reach it. It acts as a button: give it that
    // role, a place in the tab order and a button's keys. (The smallest fix: overriding mdBook's
    // whole index.hbs for one element would freeze the rest of its template.)
    function sidebarToggle() {
        const toggle = document.getElementById('mdbook-sidebar-toggle');
        if (!toggle || toggle.tagName !== 'LABEL') return;
        toggle.setAttribute('role', 'button');
        toggle.tabIndex = 0;
        toggle.addEventListener('keydown', (event) => {
            if (event.key === 'Enter' || event.key === ' ') {
                event.preventDefault();
                toggle.click();
            }
        });
    }

    function setUp() {
        sidebarToggle();
        readablePictures();
        widePictures();
        const boxes = document.querySelectorAll(SCROLL_BOXES);
        boxes.forEach(reachable);
        if ('ResizeObserver' in window) {
            const observer = new ResizeObserver((entries) => entries.forEach((entry) => reachable(entry.target)));
            boxes.forEach((box) => observer.observe(box));
        }
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', setUp);
    } else {
        setUp();
    }
})();
