//! `{{#schedule}}`: the courses the book's times make, and the half-day workshop.
//!
//! The two-day course teaches the book's first part, chapters 1 to 5 (from the experiment to the
//! lowering) and their practice pages, in the book's order, in four sessions of at most three and
//! a quarter hours; a session ends before the first section that would overrun it. The days meet
//! between two chapters where that fits, at the boundary that balances them best. The four-day
//! course is the two-day course, then the second part, chapters 6 to 9 and their practice pages,
//! from the third morning on, in at most four more such sessions, cut the same way. The third
//! part, chapters 10 on (the async Rust people write today, a reactor, tokio), stands on both and follows them from
//! the fifth morning on, in at most four more sessions. Where no cut between chapters fits a
//! pair of days, the page says which chapter runs across them. The half-day
//! workshop teaches the sections marked `workshop`, in one session of the same length, after a
//! set-up check, with a debrief after each exercise and a wrap-up; it must hold an exercise, end
//! on one, have "How to read a listing" before its first listing and ask the quiz questions
//! marked for it. Each session has a quarter-hour break once ninety minutes have been taught. The
//! build fails when the times do not fit.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::sections::Section;

const SESSION_MINUTES: u32 = 195;
const WORKSHOP_MINUTES: u32 = 195;
const BREAK_AFTER: u32 = 90;
const BREAK_MINUTES: u32 = 15;
const SESSIONS: [(&str, u32); 12] = [
    ("Day 1, morning", 9 * 60),
    ("Day 1, afternoon", 13 * 60 + 30),
    ("Day 2, morning", 9 * 60),
    ("Day 2, afternoon", 13 * 60 + 30),
    ("Day 3, morning", 9 * 60),
    ("Day 3, afternoon", 13 * 60 + 30),
    ("Day 4, morning", 9 * 60),
    ("Day 4, afternoon", 13 * 60 + 30),
    ("Day 5, morning", 9 * 60),
    ("Day 5, afternoon", 13 * 60 + 30),
    ("Day 6, morning", 9 * 60),
    ("Day 6, afternoon", 13 * 60 + 30),
];

/// The last chapter of the book's first part, which the two-day course teaches.
const FIRST_PART_LAST_CHAPTER: u32 = 5;
/// The last chapter of the second part, which the four-day course adds; later chapters are the
/// third part.
const SECOND_PART_LAST_CHAPTER: u32 = 9;

/// Why the sections' times make no schedule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("no timed section in the book: nothing to schedule")]
    NothingToSchedule,
    #[error(
        "the {course} course needs {needed} sessions of {} for {}, and has {limit}: shorten some sections' times",
        hours(SESSION_MINUTES),
        hours(*minutes)
    )]
    TooManySessions { course: &'static str, needed: usize, limit: usize, minutes: u32 },
    #[error(
        "a three-day course (the first part and any two chapters of the second) no longer fits: the two longest \
         chapters of the second part take {} with their practice pages, more than a day's {} (book/instructors.md \
         promises that every pair fits)",
        hours(*minutes),
        hours(2 * SESSION_MINUTES)
    )]
    TwoChaptersOverADay { minutes: u32 },
    #[error(
        "the half-day workshop takes {minutes} min with its set-up check, debriefs and wrap-up, more than its \
         {WORKSHOP_MINUTES}: unmark some sections (`{{{{#time N min}}}}` without `workshop`)"
    )]
    WorkshopTooLong { minutes: u32 },
    #[error("the half-day workshop has no exercise: mark one exercise section `workshop`")]
    WorkshopWithoutPractice,
    #[error(
        "the half-day workshop ends with “{heading}”, a lecture: its last section must be an exercise, \
         followed only by the debrief and the wrap-up"
    )]
    WorkshopEndsWithLecture { heading: String },
    #[error(
        "the half-day workshop shows a listing in “{heading}” before “How to read a listing” \
         (mark that section of chapter 1 `workshop`)"
    )]
    ListingBeforeReadingGuide { heading: String },
    #[error(
        "the half-day workshop teaches the quiz of {chapter} but asks none of its questions: mark those about the \
         workshop's sections `workshop = true` in chapters/{chapter}/quiz.toml"
    )]
    WorkshopQuizAsksNothing { chapter: String },
}

/// The section that teaches how to read the book's listings: the workshop has it before its
/// first listing.
const READING_GUIDE_ID: &str = "how-to-read-a-listing";
/// The workshop's own rows, around the sections it teaches.
const SET_UP_CHECK: (&str, u32) =
    ("*set-up check: every laptop has run `ci/student-setup`, whose last line says `ready`*", 10);
const DEBRIEF: (&str, u32) = ("*debrief: the mistakes the room made, and the check that caught each*", 10);
const WRAP_UP: (&str, u32) = ("*wrap-up: the room's questions, and where the book goes next*", 10);

/// `asked`: for each quiz the workshop teaches, by chapter, the numbers of the questions it asks.
pub fn render(sections: &[Section], asked: &BTreeMap<String, Vec<usize>>) -> Result<String, Error> {
    if sections.is_empty() {
        return Err(Error::NothingToSchedule);
    }
    let part = |range: std::ops::RangeInclusive<u32>| -> Vec<&Section> {
        sections.iter().filter(|s| range.contains(&chapter_number(s))).collect()
    };
    let first_part = part(0..=FIRST_PART_LAST_CHAPTER);
    let second_part = part(FIRST_PART_LAST_CHAPTER + 1..=SECOND_PART_LAST_CHAPTER);
    let third_part = part(SECOND_PART_LAST_CHAPTER + 1..=u32::MAX);
    let two_days = by_days(&first_part, "two-day")?;
    let days_three_and_four = by_days(&second_part, "four-day course's third and fourth day of the")?;
    let days_five_and_six = by_days(&third_part, "third part's fifth and sixth day of the")?;
    let more_sessions = days_three_and_four.iter().flatten().count();
    let by_chapter = chapters(&second_part);
    let mut longest: Vec<u32> = by_chapter.iter().map(|(_, minutes)| *minutes).collect();
    longest.sort_unstable_by(|a, b| b.cmp(a));
    let two_longest: u32 = longest.iter().take(2).sum();
    if two_longest > 2 * SESSION_MINUTES {
        return Err(Error::TwoChaptersOverADay { minutes: two_longest });
    }
    let workshop: Vec<&Section> = sections.iter().filter(|s| s.time.workshop).collect();
    // A book with no section marked for the workshop has none (the directive table's examples).
    let workshop_rows = match workshop.is_empty() {
        true => Vec::new(),
        false => {
            check_workshop(&workshop)?;
            workshop_rows(&workshop, asked)?
        }
    };
    let workshop_total: u32 = workshop_rows.iter().map(|row| row.minutes).sum();
    if workshop_total > WORKSHOP_MINUTES {
        return Err(Error::WorkshopTooLong { minutes: workshop_total });
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## The two-day course\n\nThe book's first part, chapters 1 to {FIRST_PART_LAST_CHAPTER} and their quizzes and exercises: {} of teaching in four sessions.\n",
        hours(total(&first_part))
    );
    out.push_str(&across_days(&two_days));
    for ((name, start), session) in SESSIONS.iter().zip(&two_days) {
        let Some(session) = session else { continue };
        let _ = writeln!(out, "### {name}: {}\n", hours(total(session)));
        out.push_str(&table(session, *start));
    }
    let _ = writeln!(
        out,
        "## The four-day course\n\n{}: the two-day course above, then the second part, chapters {} to {SECOND_PART_LAST_CHAPTER} and their quizzes and exercises, from the third morning on: {} of teaching in {}.{}\n",
        match third_part.is_empty() {
            true => "Every section of the book",
            false => "The book's first two parts",
        },
        FIRST_PART_LAST_CHAPTER + 1,
        hours(total(&second_part)),
        match more_sessions {
            1 => "one more session",
            2 => "two more sessions",
            3 => "three more sessions",
            _ => "four more sessions",
        },
        match SESSIONS[4..]
            .iter()
            .zip(&days_three_and_four)
            .filter(|(_, s)| s.is_none())
            .map(|((name, _), _)| *name)
            .collect::<Vec<_>>()
            .as_slice()
        {
            [] => String::new(),
            free => format!(
                " {} left free: for questions, a project of the group's own, or a chapter taken again.",
                match free {
                    [one] => format!("{one} is"),
                    more => format!("{} are", more.join(" and ")),
                }
            ),
        }
    );
    out.push_str(&across_days(&days_three_and_four));
    for ((name, start), session) in SESSIONS[4..].iter().zip(&days_three_and_four) {
        let Some(session) = session else { continue };
        let _ = writeln!(out, "### {name}: {}\n", hours(total(session)));
        out.push_str(&table(session, *start));
    }
    let _ = writeln!(
        out,
        "### The second part, chapter by chapter\n\nEach chapter stands on the first part, not on the others: a three-day course is the two-day course and any two of them, which the build checks fit in one day.\n\n| chapter | with its quiz and exercises |\n|---|---|"
    );
    for (chapter, minutes) in &by_chapter {
        let _ = writeln!(out, "| {} | {} |", chapter.replace('|', "\\|"), hours(*minutes));
    }
    out.push('\n');
    if !third_part.is_empty() {
        let sessions = days_five_and_six.iter().flatten().count();
        let _ = writeln!(
            out,
            "## {}: the third part\n\nChapters {} on, which stand on both parts, with their quizzes and exercises: {} of teaching in {}, from the fifth morning on.\n",
            match days_five_and_six[2..].iter().flatten().next() {
                None => "A fifth day",
                Some(_) => "A fifth and a sixth day",
            },
            SECOND_PART_LAST_CHAPTER + 1,
            hours(total(&third_part)),
            match sessions {
                1 => "one session".to_owned(),
                n => format!("{n} sessions"),
            }
        );
        out.push_str(&across_days(&days_five_and_six));
        for ((name, start), session) in SESSIONS[8..].iter().zip(&days_five_and_six) {
            let Some(session) = session else { continue };
            let _ = writeln!(out, "### {name}: {}\n", hours(total(session)));
            out.push_str(&table(session, *start));
        }
    }
    if workshop_rows.is_empty() {
        out.push_str("## The half-day workshop\n\nNo section is marked for it.\n");
        return Ok(out);
    }
    let _ = writeln!(
        out,
        "## The half-day workshop\n\nA set-up check, the sections marked for it with a debrief after each exercise, \
         and a wrap-up: {} of teaching, from 09:00 with one break.\n",
        hours(workshop_total)
    );
    out.push_str(&rows_table(&workshop_rows, 9 * 60));
    Ok(out)
}

/// The chapter number NN of a section's page `chNN-…`; 0 for a page that is no chapter's.
fn chapter_number(section: &Section) -> u32 {
    let name = section.page.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    name.strip_prefix("ch").and_then(|rest| rest.get(..2)).and_then(|number| number.parse::<u32>().ok()).unwrap_or(0)
}

/// A sentence naming the chapter that runs from the first of two days into the second, when no
/// cut between chapters fits them (`days`: the four session slots [`by_days`] gives); or nothing.
fn across_days(days: &[Option<Vec<&Section>>]) -> String {
    let last_of_first = days[..2].iter().flatten().last().and_then(|session| session.last());
    let first_of_second = days[2..].iter().flatten().next().and_then(|session| session.first());
    match (last_of_first, first_of_second) {
        (Some(last), Some(first)) if last.chapter == first.chapter => format!(
            "No cut between chapters fits each of these two days in its two sessions, so “{}” runs across them: \
             the first day ends after “{}”, the second starts with “{}”.\n\n",
            last.chapter, last.heading, first.heading
        ),
        _ => String::new(),
    }
}

/// `sections` cut into at most `limit` sessions of a course: as few sessions as sessions of
/// [`SESSION_MINUTES`] allow, and those as even as the sections' boundaries allow, so that a
/// course never ends on a session of a quarter of an hour.
fn sessions<'a>(sections: &[&'a Section], limit: usize, course: &'static str) -> Result<Vec<Vec<&'a Section>>, Error> {
    let fewest = pack(sections, SESSION_MINUTES);
    if fewest.len() > limit {
        return Err(Error::TooManySessions { course, needed: fewest.len(), limit, minutes: total(sections) });
    }
    // The shortest session length that still packs the sections into as few sessions: it is
    // at least the average and the longest section, and at most a full session.
    let longest = sections.iter().map(|s| s.time.minutes).max().unwrap_or(0);
    let shortest_possible = total(sections).div_ceil(fewest.len().max(1) as u32).max(longest);
    Ok((shortest_possible..SESSION_MINUTES)
        .map(|length| pack(sections, length))
        .find(|packed| packed.len() == fewest.len())
        .unwrap_or(fewest))
}

/// Two days of a course, as four session slots (a day's afternoon may stay empty): a chapter kept
/// within one day where a cut between chapters leaves each day no more than its two sessions,
/// at the cut that balances the days best; each day cut into its sessions as evenly as its
/// sections allow. Where no such cut exists, the sessions run across the days.
fn by_days<'a>(sections: &[&'a Section], course: &'static str) -> Result<Vec<Option<Vec<&'a Section>>>, Error> {
    let slots = |day: Vec<Vec<&'a Section>>| {
        let mut day = day.into_iter().map(Some);
        [day.next().flatten(), day.next().flatten()]
    };
    let best = (1..sections.len())
        .filter(|&cut| sections[cut].chapter != sections[cut - 1].chapter)
        .filter_map(|cut| {
            let (first, second) = sections.split_at(cut);
            let days = (sessions(first, 2, course).ok()?, sessions(second, 2, course).ok()?);
            Some((total(first).abs_diff(total(second)), days))
        })
        .min_by_key(|(difference, _)| *difference);
    if let Some((_, (first, second))) = best {
        return Ok(slots(first).into_iter().chain(slots(second)).collect());
    }
    let mut all: Vec<Option<Vec<&Section>>> = sessions(sections, 4, course)?.into_iter().map(Some).collect();
    all.resize(4, None);
    Ok(all)
}

/// `sections` in order, a new session starting before the first section that would make the
/// current one longer than `length` minutes.
fn pack<'a>(sections: &[&'a Section], length: u32) -> Vec<Vec<&'a Section>> {
    let mut sessions: Vec<Vec<&Section>> = vec![Vec::new()];
    for &section in sections {
        let current = sessions.last().unwrap();
        if !current.is_empty() && total(current) + section.time.minutes > length {
            sessions.push(Vec::new());
        }
        sessions.last_mut().unwrap().push(section);
    }
    sessions
}

/// One row of a session: a section, or a part of the workshop no page holds.
struct Row {
    what: String,
    chapter: String,
    minutes: u32,
    /// Kept with the row before it: no break between them (an exercise and its debrief).
    kept_with_previous: bool,
}

impl Row {
    fn of(section: &Section) -> Row {
        Row {
            what: format!("[{}]({}#{})", section.heading.replace('|', "\\|"), section.page.display(), section.id),
            chapter: section.chapter.replace('|', "\\|"),
            minutes: section.time.minutes,
            kept_with_previous: false,
        }
    }

    fn own((what, minutes): (&str, u32)) -> Row {
        Row { what: what.to_owned(), chapter: String::new(), minutes, kept_with_previous: false }
    }
}

/// What the half-day workshop requires of its sections: an exercise, and the last section one;
/// "How to read a listing" before the first section that shows a listing.
fn check_workshop(workshop: &[&Section]) -> Result<(), Error> {
    if !workshop.iter().any(|s| s.exercise) {
        return Err(Error::WorkshopWithoutPractice);
    }
    if let Some(last) = workshop.last().filter(|s| !s.exercise) {
        return Err(Error::WorkshopEndsWithLecture { heading: last.heading.clone() });
    }
    let guide = workshop.iter().position(|s| s.id == READING_GUIDE_ID);
    if let Some(first) = workshop.iter().position(|s| s.shows_a_listing)
        && guide.is_none_or(|guide| guide > first)
    {
        return Err(Error::ListingBeforeReadingGuide { heading: workshop[first].heading.clone() });
    }
    Ok(())
}

/// The workshop's rows: the set-up check, the sections with a debrief after each exercise and
/// the questions of each quiz it asks, the wrap-up.
fn workshop_rows(workshop: &[&Section], asked: &BTreeMap<String, Vec<usize>>) -> Result<Vec<Row>, Error> {
    let mut rows = vec![Row::own(SET_UP_CHECK)];
    for section in workshop {
        let mut row = Row::of(section);
        if let Some(chapter) = &section.quiz {
            let questions = asked.get(chapter).map(Vec::as_slice).unwrap_or_default();
            let Some((last, first)) = questions.split_last() else {
                return Err(Error::WorkshopQuizAsksNothing { chapter: chapter.clone() });
            };
            let numbers: Vec<String> = first.iter().map(ToString::to_string).collect();
            row.what += &match numbers.is_empty() {
                true => format!(": question {last} only"),
                false => format!(": questions {} and {last} only", numbers.join(", ")),
            };
        }
        rows.push(row);
        if section.exercise {
            rows.push(Row { kept_with_previous: true, ..Row::own(DEBRIEF) });
        }
    }
    rows.push(Row::own(WRAP_UP));
    Ok(rows)
}

/// One session as a markdown table with clock times, and its break: once ninety minutes have
/// been taught, before the next row that does not belong with the one before.
fn table(sections: &[&Section], start: u32) -> String {
    rows_table(&sections.iter().map(|s| Row::of(s)).collect::<Vec<_>>(), start)
}

fn rows_table(rows: &[Row], start: u32) -> String {
    let mut out = String::from("| time | section | chapter | min |\n|---|---|---|---|\n");
    let (mut clock, mut taught, mut rested) = (start, 0, false);
    for row in rows {
        if !rested && taught >= BREAK_AFTER && !row.kept_with_previous {
            let _ = writeln!(out, "| {} | *break* | | {BREAK_MINUTES} |", clock_time(clock));
            clock += BREAK_MINUTES;
            rested = true;
        }
        let _ = writeln!(out, "| {} | {} | {} | {} |", clock_time(clock), row.what, row.chapter, row.minutes);
        clock += row.minutes;
        taught += row.minutes;
    }
    let _ = writeln!(out, "| {} | *end* | | |\n", clock_time(clock));
    out
}

/// Each chapter's minutes, its practice page's included, in the book's order.
fn chapters(sections: &[&Section]) -> Vec<(String, u32)> {
    let mut chapters: Vec<(String, u32)> = Vec::new();
    for section in sections {
        match chapters.iter_mut().find(|(chapter, _)| *chapter == section.chapter) {
            Some((_, minutes)) => *minutes += section.time.minutes,
            None => chapters.push((section.chapter.clone(), section.time.minutes)),
        }
    }
    chapters
}

fn total(sections: &[&Section]) -> u32 {
    sections.iter().map(|s| s.time.minutes).sum()
}

fn clock_time(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn hours(minutes: u32) -> String {
    match minutes % 60 {
        0 => format!("{} h", minutes / 60),
        rest => format!("{} h {rest:02} min", minutes / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::super::sections::Time;
    use super::*;
    use std::path::PathBuf;

    fn section(chapter: &str, heading: &str, minutes: u32, workshop: bool) -> Section {
        let chapter = &format!("ch01-{chapter}");
        Section {
            page: PathBuf::from(format!("{chapter}.md")),
            page_title: chapter.to_owned(),
            chapter: chapter.to_owned(),
            heading: heading.to_owned(),
            id: heading.to_lowercase(),
            time: Time { minutes, workshop },
            shows_a_listing: false,
            exercise: heading.starts_with("Exercise"),
            quiz: None,
        }
    }

    #[test]
    fn a_session_ends_before_the_section_that_would_overrun_it() {
        let sections = [section("a", "A1", 100, true), section("b", "B1", 50, false), section("b", "B2", 50, false)];
        let packed = pack(&sections.iter().collect::<Vec<_>>(), SESSION_MINUTES);
        assert_eq!(packed.iter().map(|s| s.len()).collect::<Vec<_>>(), [2, 1]);
    }

    #[test]
    fn sessions_are_as_few_as_full_sessions_allow_and_as_even_as_the_sections_allow() {
        // 200 minutes need two sessions; 150 + 50 would do, 100 + 100 is what a course wants.
        let sections = [section("a", "A1", 100, true), section("b", "B1", 50, false), section("b", "B2", 50, false)];
        let even = sessions(&sections.iter().collect::<Vec<_>>(), 4, "two-day").unwrap();
        assert_eq!(even.iter().map(|s| total(s)).collect::<Vec<_>>(), [100, 100]);
        let one = [section("a", "A1", 60, true)];
        assert_eq!(sessions(&one.iter().collect::<Vec<_>>(), 4, "two-day").unwrap().len(), 1);
    }

    #[test]
    fn too_much_for_two_days_fails_with_the_numbers() {
        let sections: Vec<Section> = (0..5).map(|i| section(&format!("c{i}"), "S", 170, false)).collect();
        let error = sessions(&sections.iter().collect::<Vec<_>>(), 4, "two-day").unwrap_err().to_string();
        assert!(error.contains("needs 5 sessions of 3 h 15 min"), "{error}");
    }

    #[test]
    fn the_two_day_course_is_the_first_part_and_the_four_day_course_adds_the_second_from_the_third_morning() {
        let mut late = section("x", "Late", 30, false);
        late.page = PathBuf::from("ch06-pinning.md");
        let sections = [section("a", "Exercise A1", 60, true), late];
        assert_eq!((chapter_number(&sections[0]), chapter_number(&sections[1])), (1, 6));
        let text = render(&sections, &BTreeMap::new()).unwrap();
        let (two_days, four_days) = text.split_once("## The four-day course").unwrap();
        assert!(!two_days.contains("[Late]"), "{text}");
        assert!(four_days.contains("### Day 3, morning: 0 h 30 min\n"), "{text}");
        assert!(four_days.contains("0 h 30 min of teaching in one more session."), "{text}");
        assert!(four_days.contains("| 09:00 | [Late](ch06-pinning.md#late) | ch01-x | 30 |"), "{text}");
        assert!(
            four_days.contains(" Day 3, afternoon and Day 4, morning and Day 4, afternoon are left free"),
            "{text}"
        );
        assert!(four_days.contains("| ch01-x | 0 h 30 min |"), "{text}");
    }

    #[test]
    fn the_third_part_follows_the_four_days_from_the_fifth_morning() {
        let mut second = section("x", "Second", 30, false);
        second.page = PathBuf::from("ch09-cost.md");
        let mut third = section("y", "Third", 40, false);
        third.page = PathBuf::from("ch10-async-today.md");
        let text = render(&[section("a", "Exercise A1", 60, true), second, third], &BTreeMap::new()).unwrap();
        let (four_days, fifth) = text.split_once("## A fifth day: the third part").unwrap();
        assert!(four_days.contains("The book's first two parts: the two-day course above"), "{text}");
        assert!(!four_days.contains("[Third]"), "{text}");
        assert!(fifth.contains("Chapters 10 on, which stand on both parts"), "{text}");
        assert!(fifth.contains("### Day 5, morning: 0 h 40 min\n"), "{text}");
        assert!(fifth.contains("| 09:00 | [Third](ch10-async-today.md#third) | ch01-y | 40 |"), "{text}");
    }

    #[test]
    fn a_chapter_that_runs_across_two_days_is_named_on_the_page() {
        // Three chapters of 260 minutes: no cut between chapters leaves a day within its 390.
        let sections: Vec<Section> = ["a", "b", "c"]
            .iter()
            .flat_map(|chapter| (1..=4).map(move |n| section(chapter, &format!("{chapter}{n}"), 65, false)))
            .collect();
        let text = render(&sections, &BTreeMap::new()).unwrap();
        assert!(
            text.contains("so “ch01-b” runs across them: the first day ends after “b2”, the second starts with “b3”."),
            "{text}"
        );
        let whole = [section("a", "A", 150, false), section("b", "B", 150, false)];
        assert!(!render(&whole, &BTreeMap::new()).unwrap().contains("runs across"));
    }

    #[test]
    fn two_chapters_of_the_second_part_that_do_not_fit_in_a_day_fail_the_build() {
        let sections: Vec<Section> = (0..3)
            .map(|i| {
                let mut late = section(&format!("c{i}"), "S", 190 + 10 * i, false);
                late.page = PathBuf::from(format!("ch0{}-x.md", 6 + i));
                late
            })
            .collect();
        let error = render(&sections, &BTreeMap::new()).unwrap_err().to_string();
        assert!(error.contains("the two longest chapters of the second part take 6 h 50 min"), "{error}");
    }

    #[test]
    fn a_second_part_longer_than_two_days_fails_with_the_numbers() {
        let sections: Vec<Section> = (0..5)
            .map(|i| {
                let mut late = section(&format!("c{i}"), "S", 170, false);
                late.page = PathBuf::from(format!("ch0{}-x.md", 6 + i % 4));
                late
            })
            .collect();
        let error = render(&sections, &BTreeMap::new()).unwrap_err().to_string();
        assert!(error.contains("needs 5 sessions of 3 h 15 min"), "{error}");
    }

    #[test]
    fn the_schedule_has_clock_times_a_break_and_links_to_sections() {
        let sections =
            [section("a", "A1", 60, true), section("a", "Exercise A2", 45, true), section("a", "B1", 30, false)];
        let text = render(&sections, &BTreeMap::new()).unwrap();
        assert!(text.contains("| 09:00 | [A1](ch01-a.md#a1) | ch01-a | 60 |"), "{text}");
        assert!(text.contains("| 10:45 | *break* | | 15 |"), "{text}");
        assert!(text.contains("| 11:00 | [B1](ch01-a.md#b1) | ch01-a | 30 |"), "{text}");
        assert!(text.contains("## The four-day course"), "{text}");
        assert!(text.contains("## The half-day workshop"), "{text}");
    }

    #[test]
    fn the_workshop_opens_with_a_set_up_check_debriefs_each_exercise_and_closes_with_a_wrap_up() {
        let mut guide = section("a", "How to read a listing", 15, true);
        guide.id = READING_GUIDE_ID.to_owned();
        let mut listing = section("a", "A1", 60, true);
        listing.shows_a_listing = true;
        let sections = [guide, listing, section("b", "Exercise B", 30, true), section("b", "B2", 20, false)];
        let text = render(&sections, &BTreeMap::new()).unwrap();
        let workshop = text.split_once("## The half-day workshop").unwrap().1;
        let rows: Vec<&str> = workshop.lines().filter(|l| l.starts_with("| 1") || l.starts_with("| 0")).collect();
        assert_eq!(
            rows,
            [
                "| 09:00 | *set-up check: every laptop has run `ci/student-setup`, whose last line says `ready`* |  | 10 |",
                "| 09:10 | [How to read a listing](ch01-a.md#how-to-read-a-listing) | ch01-a | 15 |",
                "| 09:25 | [A1](ch01-a.md#a1) | ch01-a | 60 |",
                "| 10:25 | [Exercise B](ch01-b.md#exercise b) | ch01-b | 30 |",
                "| 10:55 | *debrief: the mistakes the room made, and the check that caught each* |  | 10 |",
                "| 11:05 | *break* | | 15 |",
                "| 11:20 | *wrap-up: the room's questions, and where the book goes next* |  | 10 |",
                "| 11:30 | *end* | | |",
            ],
            "{workshop}"
        );
        assert!(workshop.contains("and a wrap-up: 2 h 15 min of teaching"), "{workshop}");
    }

    #[test]
    fn a_workshop_without_practice_or_ending_on_a_lecture_or_reading_a_listing_unprepared_fails_the_build() {
        let error = |sections: &[Section]| render(sections, &BTreeMap::new()).unwrap_err();
        assert_eq!(error(&[section("a", "A1", 30, true)]), Error::WorkshopWithoutPractice);
        assert_eq!(
            error(&[section("a", "Exercise A", 30, true), section("b", "B1", 45, true)]),
            Error::WorkshopEndsWithLecture { heading: "B1".into() }
        );
        let mut listing = section("a", "A1", 30, true);
        listing.shows_a_listing = true;
        let mut guide = section("b", "How to read a listing", 15, true);
        guide.id = READING_GUIDE_ID.to_owned();
        let exercise = section("b", "Exercise B", 30, true);
        let late_guide = error(&[listing.clone(), guide, exercise.clone()]);
        assert_eq!(late_guide, Error::ListingBeforeReadingGuide { heading: "A1".into() });
        assert_eq!(error(&[listing, exercise]), late_guide);
        let long: Vec<Section> = (0..3).map(|i| section(&format!("c{i}"), "Exercise", 60, true)).collect();
        // 180 minutes of sections, a set-up check, three debriefs and a wrap-up.
        assert_eq!(error(&long), Error::WorkshopTooLong { minutes: 230 });
    }

    #[test]
    fn the_workshop_names_the_questions_it_asks_of_a_quiz_and_must_ask_some() {
        let mut quiz = section("a", "Quiz", 10, true);
        quiz.quiz = Some("ch01-a".into());
        let sections = [quiz, section("a", "Exercise A", 30, true)];
        let asked = BTreeMap::from([("ch01-a".to_owned(), vec![1, 2, 4])]);
        let text = render(&sections, &asked).unwrap();
        assert!(text.contains("| 09:10 | [Quiz](ch01-a.md#quiz): questions 1, 2 and 4 only | ch01-a | 10 |"), "{text}");
        let none = BTreeMap::from([("ch01-a".to_owned(), vec![])]);
        assert_eq!(render(&sections, &none).unwrap_err(), Error::WorkshopQuizAsksNothing { chapter: "ch01-a".into() });
    }

    #[test]
    fn a_chapter_stays_within_one_day_where_a_cut_between_chapters_lets_it() {
        // Chapters of 150, 200 and 100 minutes: cut after the first, the second day would hold
        // 300; after the second, the first day 350 and the second 100. The first cut balances best.
        let sections: Vec<Section> = [("a", 100), ("a", 50), ("b", 120), ("b", 80), ("c", 100)]
            .iter()
            .map(|(chapter, minutes)| section(chapter, "S", *minutes, false))
            .collect();
        let days = by_days(&sections.iter().collect::<Vec<_>>(), "two-day").unwrap();
        let chapters: Vec<Option<Vec<&str>>> =
            days.iter().map(|s| s.as_ref().map(|s| s.iter().map(|s| s.chapter.as_str()).collect())).collect();
        assert_eq!(
            chapters,
            [Some(vec!["ch01-a", "ch01-a"]), None, Some(vec!["ch01-b"]), Some(vec!["ch01-b", "ch01-c"])]
        );
    }
}
