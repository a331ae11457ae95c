// Source lines and their instructions in the assembly listings (rendered by
// tools/mdbook-under-the-await/src/asm_html.rs with a data-src-line on every line that belongs to
// a source line). Pointing at, or focusing, any line of a group lights up the whole group: the
// `; src/lib.rs:N` comment and every instruction that came from line N, in a colour that is the
// same for N every time.
(function () {
    'use strict';
    const COLOURS = 8;

    function group(line) {
        const number = line.getAttribute('data-src-line');
        const code = line.closest('code.listing-code');
        if (number === null || code === null) return [];
        return Array.from(code.querySelectorAll('.line[data-src-line="' + number + '"]'));
    }

    function light(line, on) {
        const number = parseInt(line.getAttribute('data-src-line'), 10);
        const colour = 'src-c' + (number % COLOURS);
        for (const member of group(line)) {
            member.classList.toggle('src-lit', on);
            member.classList.toggle(colour, on);
        }
    }

    function lineOf(event) {
        return event.target instanceof Element ? event.target.closest('code.listing-code .line[data-src-line]') : null;
    }

    for (const [start, end] of [['mouseover', 'mouseout'], ['focusin', 'focusout']]) {
        document.addEventListener(start, (event) => {
            const line = lineOf(event);
            if (line) light(line, true);
        });
        document.addEventListener(end, (event) => {
            const line = lineOf(event);
            if (line) light(line, false);
        });
    }
})();
