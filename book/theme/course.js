// The course in the book (see course.css): quizzes answered in the page with no server, the
// instructor view, the projector view and the print mode. Quizzes: every .quiz-question carries
// its answer (data-answer) and kind (data-kind, "number" or "choice"); Check compares and shows
// right or wrong, and why.
//
// The projector view: from the instructor view, "Open the speaker-notes window" opens this page
// again in a second window with `?speaker-notes`, which shows only the page's section times,
// speaker notes and exercise solutions. The first window becomes the screen (a per-tab role in
// sessionStorage): it never shows notes, times or solutions, whatever the instructor view says.
// On every page load and section change the screen announces its page and section on a
// BroadcastChannel; the notes window follows it, and its arrow keys turn the screen's page.
// Reloading the notes window keeps it following. Closing it leaves the screen a
// reader's page (the instructor view off); its "End" button returns the screen to the instructor
// view.
//
// Printing: the instructor view chooses what the print page prints (localStorage, or
// `?print=trainer` / `?print=student`): the student handout (the default) without speaker notes,
// times and quiz answers; the trainer's copy with them. Solutions are never printed.
(function () {
    'use strict';

    const KEY = 'under-the-await-instructor';
    const PRINT_KEY = 'under-the-await-print';
    const ROLE_KEY = 'under-the-await-projector-role';
    const CHANNEL = 'under-the-await-projector';
    const NOTES_PARAM = 'speaker-notes';
    const params = new URLSearchParams(window.location.search);

    function stored(storage, key) {
        try { return window[storage].getItem(key); } catch (e) { return null; }
    }
    function store(storage, key, value) {
        try {
            if (value === null) window[storage].removeItem(key);
            else window[storage].setItem(key, value);
        } catch (e) { /* private mode */ }
    }

    function instructorOn() {
        const asked = params.get('instructor');
        if (asked === 'on' || asked === 'off') store('localStorage', KEY, asked);
        const value = stored('localStorage', KEY);
        return value === null ? asked === 'on' : value === 'on';
    }

    // "student" (the default) or "trainer".
    function printMode() {
        const asked = params.get('print');
        if (asked === 'student' || asked === 'trainer') store('localStorage', PRINT_KEY, asked);
        return (stored('localStorage', PRINT_KEY) || asked) === 'trainer' ? 'trainer' : 'student';
    }

    function setPrintMode(mode) {
        store('localStorage', PRINT_KEY, mode);
        applyPrintMode(mode);
    }

    function applyPrintMode(mode) {
        document.documentElement.classList.toggle('print-trainer', mode === 'trainer');
        for (const input of document.querySelectorAll('input.print-mode')) input.checked = input.value === mode;
    }

    // The controls that choose what printing prints: two radio buttons, shared by the banner and
    // the instructors' page (a <span class="print-mode-choice"></span> there).
    let printChoices = 0;
    function printModeChoice() {
        const span = document.createElement('span');
        span.className = 'print-mode-choice';
        span.append('Print: ');
        const name = 'print-mode-' + (printChoices++);
        for (const [value, text] of [['student', 'student handout'], ['trainer', "trainer's copy"]]) {
            const label = document.createElement('label');
            const input = document.createElement('input');
            input.type = 'radio';
            input.name = name;
            input.value = value;
            input.className = 'print-mode';
            input.checked = printMode() === value;
            input.addEventListener('change', () => { if (input.checked) setPrintMode(value); });
            label.append(input, ' ' + text);
            span.append(label);
        }
        return span;
    }

    function setInstructor(on) {
        store('localStorage', KEY, on ? 'on' : 'off');
        applyInstructor(on);
    }

    function isScreen() {
        return stored('sessionStorage', ROLE_KEY) === 'screen';
    }

    function applyInstructor(on) {
        const screen = isScreen();
        document.documentElement.classList.toggle('instructor', on && !screen);
        document.documentElement.classList.toggle('projector-screen', screen);
        let banner = document.querySelector('.instructor-banner');
        if (on && !screen && !banner) {
            banner = document.createElement('div');
            banner.className = 'instructor-banner';
            banner.textContent = 'Instructor view: speaker notes, teaching times and solutions are shown.';
            const off = document.createElement('button');
            off.type = 'button';
            off.textContent = 'Turn off';
            off.addEventListener('click', () => setInstructor(false));
            const projector = document.createElement('button');
            projector.type = 'button';
            projector.className = 'open-speaker-notes';
            projector.textContent = 'Open the speaker-notes window';
            projector.title = 'Notes follow this page in a second window; this one becomes the screen for the room';
            projector.addEventListener('click', openNotesWindow);
            banner.append(off, projector, printModeChoice());
            const main = document.querySelector('main');
            if (main) main.parentNode.insertBefore(banner, main);
        } else if ((!on || screen) && banner) {
            banner.remove();
        }
        for (const button of document.querySelectorAll('button.instructor-toggle')) {
            button.textContent = on ? 'Turn the instructor view off' : 'Turn the instructor view on';
        }
    }

    // --- The projector view ---

    const channel = 'BroadcastChannel' in window ? new BroadcastChannel(CHANNEL) : null;

    function currentSection() {
        let current = '';
        for (const heading of document.querySelectorAll('main h2[id]')) {
            if (heading.getBoundingClientRect().top > window.innerHeight / 3) break;
            current = heading.id;
        }
        return current;
    }

    function announce() {
        if (channel && isScreen()) {
            channel.postMessage({ kind: 'page', path: window.location.pathname, section: currentSection() });
        }
    }

    function openNotesWindow() {
        const url = new URL(window.location.href);
        url.search = '?' + NOTES_PARAM;
        url.hash = '';
        const notes = window.open(url.href, 'under-the-await-speaker-notes', 'popup,width=720,height=820');
        if (!notes) {
            window.alert('The browser blocked the speaker-notes window: allow pop-ups for this site.');
            return;
        }
        store('sessionStorage', ROLE_KEY, 'screen');
        applyInstructor(instructorOn());
        becomeScreen();
    }

    let screenSetUp = false;
    // A notes window's pagehide cannot tell a reload from a close: it says `closed`, and the
    // reloaded window's `hello` (marked `reloaded`) restores the screen.
    let closedByPagehide = false;
    function becomeScreen() {
        if (!channel || screenSetUp) return;
        screenSetUp = true;
        channel.addEventListener('message', (event) => {
            const message = event.data || {};
            if (message.kind === 'hello') {
                // A reloaded notes window said `closed` as it went: take the screen's role back.
                if (message.reloaded && closedByPagehide && !isScreen()) {
                    store('sessionStorage', ROLE_KEY, 'screen');
                    store('localStorage', KEY, 'on');
                    applyInstructor(true);
                }
                closedByPagehide = false;
                announce();
            } else if (message.kind === 'turn') {
                const link = document.querySelector(`a.nav-chapters[rel~="${message.to === 'next' ? 'next' : 'prev'}"]`);
                if (link) window.location.href = link.href;
            } else if (message.kind === 'end' || message.kind === 'closed') {
                store('sessionStorage', ROLE_KEY, null);
                // Closed from its window frame, the notes window leaves a reader's page on the
                // screen; ended with its button, the instructor view comes back.
                if (message.kind === 'closed') store('localStorage', KEY, 'off');
                closedByPagehide = message.kind === 'closed';
                applyInstructor(instructorOn());
            }
        });
        let pending = false;
        window.addEventListener('scroll', () => {
            if (pending) return;
            pending = true;
            window.setTimeout(() => { pending = false; announce(); }, 250);
        }, { passive: true });
        announce();
    }

    // The notes window: this page's headings, times, notes and solutions, nothing else.
    function becomeNotesWindow() {
        document.documentElement.classList.add('speaker-notes-window');
        const panel = document.createElement('div');
        panel.className = 'speaker-notes-panel';
        const bar = document.createElement('div');
        bar.className = 'speaker-notes-bar';
        bar.append('Speaker notes: this window follows the screen. ');
        const end = document.createElement('button');
        end.type = 'button';
        end.textContent = 'End the projector view';
        bar.append(end);
        panel.append(bar);
        let group = null;
        let items = 0;
        const section = (id) => {
            group = document.createElement('section');
            group.className = 'speaker-notes-section';
            if (id) group.dataset.section = id;
            panel.append(group);
        };
        section('');
        for (const element of document.querySelectorAll(
            'main h1, main h2, main .section-time, main .speaker-notes, main .exercise-solution')) {
            if (element.matches('h1, h2')) {
                if (element.matches('h2')) section(element.id);
                const heading = document.createElement(element.tagName.toLowerCase());
                heading.textContent = element.textContent;
                group.append(heading);
                continue;
            }
            const copy = element.cloneNode(true);
            for (const withId of [copy, ...copy.querySelectorAll('[id]')]) withId.removeAttribute('id');
            if (copy.matches('details')) copy.open = true;
            group.append(copy);
            items++;
        }
        if (items === 0) {
            const none = document.createElement('p');
            none.className = 'speaker-notes-none';
            none.textContent = 'This page has no speaker notes.';
            panel.append(none);
        }
        document.body.append(panel);
        document.title = 'Notes: ' + document.title;

        let following = false;
        end.addEventListener('click', () => {
            following = true;
            if (channel) channel.postMessage({ kind: 'end' });
            window.close();
        });
        window.addEventListener('pagehide', () => {
            if (!following && channel) channel.postMessage({ kind: 'closed' });
        });
        if (!channel) return;
        let shownSection = null; // scrolled to only when it changes, so the instructor can scroll too
        channel.addEventListener('message', (event) => {
            const message = event.data || {};
            if (message.kind !== 'page') return;
            if (message.path !== window.location.pathname) {
                following = true;
                const hash = message.section ? '#' + encodeURIComponent(message.section) : '';
                window.location.href = message.path + '?' + NOTES_PARAM + hash;
                return;
            }
            if (message.section === shownSection) return;
            shownSection = message.section;
            for (const g of panel.querySelectorAll('.speaker-notes-section')) {
                const current = message.section !== '' && g.dataset.section === message.section;
                g.classList.toggle('current', current);
                if (current) g.scrollIntoView({ block: 'start', behavior: 'smooth' });
            }
        });
        // The arrow keys turn the screen's page, not this window's (mdBook's own handler would).
        window.addEventListener('keydown', (event) => {
            if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
            if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
            event.stopImmediatePropagation();
            event.preventDefault();
            channel.postMessage({ kind: 'turn', to: event.key === 'ArrowRight' ? 'next' : 'prev' });
        }, true);
        const navigation = performance.getEntriesByType('navigation')[0];
        channel.postMessage({ kind: 'hello', reloaded: Boolean(navigation && navigation.type === 'reload') });
        // Arrived at a section (#id): show it.
        const wanted = decodeURIComponent(window.location.hash.slice(1));
        const target = wanted && Array.from(panel.querySelectorAll('.speaker-notes-section'))
            .find((g) => g.dataset.section === wanted);
        if (target) {
            target.classList.add('current');
            target.scrollIntoView({ block: 'start' });
            shownSection = wanted;
        }
    }

    function given(question) {
        if (question.dataset.kind === 'number') {
            const input = question.querySelector('input.quiz-number');
            return input.value.trim();
        }
        const picked = question.querySelector('input[type=radio]:checked');
        return picked ? picked.value : '';
    }

    // The answer given, as the page renders it: a picked choice's rendered markdown (built by
    // the book, so its HTML is the book's own), or the typed number as text.
    function givenNode(question, value) {
        const picked = question.querySelector('input[type=radio]:checked');
        const text = picked && picked.closest('label').querySelector('.quiz-choice-text');
        const span = document.createElement('span');
        if (text) span.innerHTML = text.innerHTML; else span.textContent = value;
        return span;
    }

    function check(question) {
        const answer = question.dataset.answer;
        const value = given(question);
        const feedback = question.querySelector('.quiz-feedback');
        const why = question.querySelector('.quiz-why');
        const rustc = question.closest('.quiz').dataset.rustc;
        const picked = question.querySelector('input[type=radio]:checked');
        for (const wrongWhy of question.querySelectorAll('.quiz-wrong-why')) {
            wrongWhy.hidden = true;
        }
        feedback.hidden = false;
        if (value === '') {
            feedback.className = 'quiz-feedback';
            feedback.textContent = 'Answer first.';
            why.hidden = true;
            return;
        }
        const right = question.dataset.kind === 'number' ? Number(value) === Number(answer) : value === answer;
        feedback.className = 'quiz-feedback ' + (right ? 'right' : 'wrong');
        feedback.replaceChildren();
        if (right) {
            feedback.textContent = 'Right.';
        } else {
            const answerText = document.createElement('span');
            answerText.innerHTML = question.querySelector('.quiz-answer-text').innerHTML;
            feedback.append('Not quite: you said ', givenNode(question, value), '; rustc ' + rustc + ' says ', answerText, '.');
            const wrongWhy = picked && question.querySelector('.quiz-wrong-why[data-choice="' + picked.dataset.choice + '"]');
            if (wrongWhy) wrongWhy.hidden = false;
        }
        why.hidden = false;
    }

    function setUpQuizzes() {
        for (const question of document.querySelectorAll('.quiz-question')) {
            const form = question.querySelector('form.quiz-form');
            form.addEventListener('submit', (event) => {
                event.preventDefault();
                check(question);
            });
        }
    }

    function setUp() {
        const notesWindow = params.has(NOTES_PARAM);
        if (params.get('projector') === 'off' || notesWindow) store('sessionStorage', ROLE_KEY, null);
        applyPrintMode(printMode());
        applyInstructor(instructorOn());
        for (const button of document.querySelectorAll('button.instructor-toggle')) {
            button.addEventListener('click', () => setInstructor(!document.documentElement.classList.contains('instructor')));
        }
        for (const place of document.querySelectorAll('span.print-mode-choice:empty')) place.replaceWith(printModeChoice());
        setUpQuizzes();
        if (notesWindow) becomeNotesWindow();
        else if (isScreen()) becomeScreen();
        // Printed, an exercise shows its starter: open the folded code before printing.
        const openStarters = () => document.querySelectorAll('details.exercise-starter').forEach((d) => { d.open = true; });
        window.addEventListener('beforeprint', openStarters);
        if (/print\.html$/.test(window.location.pathname)) openStarters();
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', setUp);
    } else {
        setUp();
    }
})();
