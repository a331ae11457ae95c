// The course in the book (see course.css): quizzes answered in the page with no server, and the
// instructor view. Quizzes: every .quiz-question carries its answer (data-answer) and kind
// (data-kind, "number" or "choice"); Check compares and shows right or wrong, and why.
(function () {
    'use strict';

    const KEY = 'under-the-await-instructor';

    function instructorOn() {
        const asked = new URLSearchParams(window.location.search).get('instructor');
        if (asked === 'on' || asked === 'off') {
            try { window.localStorage.setItem(KEY, asked); } catch (e) { /* private mode */ }
        }
        try { return window.localStorage.getItem(KEY) === 'on'; } catch (e) { return asked === 'on'; }
    }

    function setInstructor(on) {
        try { window.localStorage.setItem(KEY, on ? 'on' : 'off'); } catch (e) { /* private mode */ }
        applyInstructor(on);
    }

    function applyInstructor(on) {
        document.documentElement.classList.toggle('instructor', on);
        let banner = document.querySelector('.instructor-banner');
        if (on && !banner) {
            banner = document.createElement('div');
            banner.className = 'instructor-banner';
            banner.textContent = 'Instructor view: speaker notes, teaching times and solutions are shown.';
            const off = document.createElement('button');
            off.type = 'button';
            off.textContent = 'Turn off';
            off.addEventListener('click', () => setInstructor(false));
            banner.appendChild(off);
            const main = document.querySelector('main');
            if (main) main.parentNode.insertBefore(banner, main);
        } else if (!on && banner) {
            banner.remove();
        }
        for (const button of document.querySelectorAll('button.instructor-toggle')) {
            button.textContent = on ? 'Turn the instructor view off' : 'Turn the instructor view on';
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
        applyInstructor(instructorOn());
        for (const button of document.querySelectorAll('button.instructor-toggle')) {
            button.addEventListener('click', () => setInstructor(!document.documentElement.classList.contains('instructor')));
        }
        setUpQuizzes();
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
