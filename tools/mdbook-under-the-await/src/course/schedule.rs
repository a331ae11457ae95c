//! `{{#schedule}}`: the courses the book's times make, and the half-day workshop.
//!
//! The three-day course teaches every section, in the book's order, in six sessions of at most
//! three and a quarter hours; a session ends before the first section that would overrun it. The
//! two-day course teaches the book's first part, chapters 1 to 5 (from the experiment to the
//! lowering) and their practice pages, in four such sessions; chapters 6 to 9 build on it and
//! make the third day. The half-day workshop teaches the sections marked `workshop`, in one
//! session of the same length. Each session has a quarter-hour break once ninety minutes have
//! been taught. The build fails when the times do not fit.

use std::fmt::Write as _;

use super::sections::Section;

const SESSION_MINUTES: u32 = 195;
const WORKSHOP_MINUTES: u32 = 195;
const BREAK_AFTER: u32 = 90;
const BREAK_MINUTES: u32 = 15;
const SESSIONS: [(&str, u32); 6] = [
    ("Day 1, morning", 9 * 60),
    ("Day 1, afternoon", 13 * 60 + 30),
    ("Day 2, morning", 9 * 60),
    ("Day 2, afternoon", 13 * 60 + 30),
    ("Day 3, morning", 9 * 60),
    ("Day 3, afternoon", 13 * 60 + 30),
];

/// The last chapter of the book's first part, which the two-day course teaches.
const FIRST_PART_LAST_CHAPTER: u32 = 5;

pub fn render(sections: &[Section]) -> Result<String, String> {
    if sections.is_empty() {
        return Err("no timed section in the book: nothing to schedule".to_owned());
    }
    let all: Vec<&Section> = sections.iter().collect();
    let first_part: Vec<&Section> = sections.iter().filter(|s| in_first_part(s)).collect();
    let two_days = sessions(&first_part, 4, "two-day")?;
    let three_days = sessions(&all, 6, "three-day")?;
    let workshop: Vec<&Section> = sections.iter().filter(|s| s.time.workshop).collect();
    let workshop_total = total(&workshop);
    if workshop_total > WORKSHOP_MINUTES {
        return Err(format!(
            "the sections marked `workshop` take {workshop_total} min, more than the half-day workshop's {WORKSHOP_MINUTES}: \
             unmark some (`{{{{#time N min}}}}` without `workshop`)"
        ));
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## The two-day course\n\nThe book's first part, chapters 1 to {FIRST_PART_LAST_CHAPTER} and their quizzes and exercises: {} of teaching in four sessions.\n",
        hours(total(&first_part))
    );
    for ((name, start), session) in SESSIONS.iter().zip(&two_days) {
        let _ = writeln!(out, "### {name}: {}\n", hours(total(session)));
        out.push_str(&table(session, *start));
    }
    let _ = writeln!(
        out,
        "## The three-day course\n\nEvery section of the book: {} of teaching in six sessions. The first two days are the two-day course's, section for section, as far as its times allow.\n",
        hours(total(&all))
    );
    for ((name, start), session) in SESSIONS.iter().zip(&three_days) {
        let _ = writeln!(out, "### {name}: {}\n", hours(total(session)));
        out.push_str(&table(session, *start));
    }
    let _ = writeln!(
        out,
        "## The half-day workshop\n\nThe sections marked for it: {} of teaching, from 09:00 with one break.\n",
        hours(workshop_total)
    );
    out.push_str(&table(&workshop, 9 * 60));
    Ok(out)
}

/// Whether a section belongs to the book's first part: a page `chNN-…` with NN at most
/// [`FIRST_PART_LAST_CHAPTER`].
fn in_first_part(section: &Section) -> bool {
    let name = section.page.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    name.strip_prefix("ch")
        .and_then(|rest| rest.get(..2))
        .and_then(|number| number.parse::<u32>().ok())
        .is_some_and(|number| number <= FIRST_PART_LAST_CHAPTER)
}

/// `sections` cut into at most `limit` sessions of a course, session by session.
fn sessions<'a>(sections: &[&'a Section], limit: usize, course: &str) -> Result<Vec<Vec<&'a Section>>, String> {
    let mut sessions: Vec<Vec<&Section>> = vec![Vec::new()];
    for &section in sections {
        let current = sessions.last().unwrap();
        if !current.is_empty() && total(current) + section.time.minutes > SESSION_MINUTES {
            sessions.push(Vec::new());
        }
        sessions.last_mut().unwrap().push(section);
    }
    if sessions.len() > limit {
        return Err(format!(
            "the {course} course needs {} sessions of {} for {}, and has {limit}: shorten some sections' times",
            sessions.len(),
            hours(SESSION_MINUTES),
            hours(sections.iter().map(|s| s.time.minutes).sum()),
        ));
    }
    Ok(sessions)
}

/// One session as a markdown table with clock times, and its break.
fn table(sections: &[&Section], start: u32) -> String {
    let mut out = String::from("| time | section | chapter | min |\n|---|---|---|---|\n");
    let (mut clock, mut taught, mut rested) = (start, 0, false);
    for section in sections {
        if !rested && taught >= BREAK_AFTER {
            let _ = writeln!(out, "| {} | *break* | | {BREAK_MINUTES} |", clock_time(clock));
            clock += BREAK_MINUTES;
            rested = true;
        }
        let _ = writeln!(
            out,
            "| {} | [{}]({}#{}) | {} | {} |",
            clock_time(clock),
            section.heading.replace('|', "\\|"),
            section.page.display(),
            section.id,
            section.chapter.replace('|', "\\|"),
            section.time.minutes
        );
        clock += section.time.minutes;
        taught += section.time.minutes;
    }
    let _ = writeln!(out, "| {} | *end* | | |\n", clock_time(clock));
    out
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
        }
    }

    #[test]
    fn a_session_ends_before_the_section_that_would_overrun_it() {
        let sections = [section("a", "A1", 100, true), section("b", "B1", 50, false), section("b", "B2", 50, false)];
        let sessions = sessions(&sections.iter().collect::<Vec<_>>(), 4, "two-day").unwrap();
        assert_eq!(sessions.iter().map(|s| s.len()).collect::<Vec<_>>(), [2, 1]);
    }

    #[test]
    fn too_much_for_two_days_fails_with_the_numbers() {
        let sections: Vec<Section> = (0..5).map(|i| section(&format!("c{i}"), "S", 170, false)).collect();
        let error = sessions(&sections.iter().collect::<Vec<_>>(), 4, "two-day").unwrap_err();
        assert!(error.contains("needs 5 sessions of 3 h 15 min"), "{error}");
    }

    #[test]
    fn the_two_day_course_is_the_first_part_and_the_three_day_course_all_of_it() {
        let mut late = section("x", "Late", 30, false);
        late.page = PathBuf::from("ch06-pinning.md");
        let sections = [section("a", "A1", 60, true), late];
        assert!(in_first_part(&sections[0]) && !in_first_part(&sections[1]));
        let text = render(&sections).unwrap();
        let (two_days, three_days) = text.split_once("## The three-day course").unwrap();
        assert!(!two_days.contains("[Late]"), "{text}");
        assert!(three_days.contains("[Late](ch06-pinning.md#late)"), "{text}");
    }

    #[test]
    fn the_schedule_has_clock_times_a_break_and_links_to_sections() {
        let sections = [section("a", "A1", 60, true), section("a", "A2", 45, true), section("b", "B1", 30, false)];
        let text = render(&sections).unwrap();
        assert!(text.contains("| 09:00 | [A1](ch01-a.md#a1) | ch01-a | 60 |"), "{text}");
        assert!(text.contains("| 10:45 | *break* | | 15 |"), "{text}");
        assert!(text.contains("| 11:00 | [B1](ch01-b.md#b1) | ch01-b | 30 |"), "{text}");
        assert!(text.contains("## The three-day course"), "{text}");
        assert!(text.contains("## The half-day workshop"), "{text}");
    }
}
