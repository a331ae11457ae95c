//! `{{#schedule}}`: the two-day course and the half-day workshop, made from the sections' times.
//!
//! The two-day course teaches every section, in the book's order, in four sessions of at most
//! three and a quarter hours; a session ends before the first section that would overrun it. The
//! half-day workshop teaches the sections marked `workshop`, in one session of the same length.
//! Each session has a quarter-hour break once ninety minutes have been taught. The build fails
//! when the times do not fit.

use std::fmt::Write as _;

use super::sections::Section;

const SESSION_MINUTES: u32 = 195;
const WORKSHOP_MINUTES: u32 = 195;
const BREAK_AFTER: u32 = 90;
const BREAK_MINUTES: u32 = 15;
const SESSIONS: [(&str, u32); 4] = [
    ("Day 1, morning", 9 * 60),
    ("Day 1, afternoon", 13 * 60 + 30),
    ("Day 2, morning", 9 * 60),
    ("Day 2, afternoon", 13 * 60 + 30),
];

pub fn render(sections: &[Section]) -> Result<String, String> {
    if sections.is_empty() {
        return Err("no timed section in the book: nothing to schedule".to_owned());
    }
    let course = two_day_sessions(sections)?;
    let workshop: Vec<&Section> = sections.iter().filter(|s| s.time.workshop).collect();
    let workshop_total = total(&workshop);
    if workshop_total > WORKSHOP_MINUTES {
        return Err(format!(
            "the sections marked `workshop` take {workshop_total} min, more than the half-day workshop's {WORKSHOP_MINUTES}: \
             unmark some (`{{{{#time N min}}}}` without `workshop`)"
        ));
    }
    let mut out = String::new();
    let all: Vec<&Section> = sections.iter().collect();
    let _ = writeln!(
        out,
        "## The two-day course\n\nEvery section of the book: {} of teaching in four sessions.\n",
        hours(total(&all))
    );
    for ((name, start), session) in SESSIONS.iter().zip(&course) {
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

/// The sections of the two-day course, session by session.
fn two_day_sessions(sections: &[Section]) -> Result<Vec<Vec<&Section>>, String> {
    let mut sessions: Vec<Vec<&Section>> = vec![Vec::new()];
    for section in sections {
        let current = sessions.last().unwrap();
        if !current.is_empty() && total(current) + section.time.minutes > SESSION_MINUTES {
            sessions.push(Vec::new());
        }
        sessions.last_mut().unwrap().push(section);
    }
    if sessions.len() > SESSIONS.len() {
        return Err(format!(
            "the two-day course needs {} sessions of {} for {}, and has {}: shorten some sections' times",
            sessions.len(),
            hours(SESSION_MINUTES),
            hours(sections.iter().map(|s| s.time.minutes).sum()),
            SESSIONS.len()
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
        let sessions = two_day_sessions(&sections).unwrap();
        assert_eq!(sessions.iter().map(|s| s.len()).collect::<Vec<_>>(), [2, 1]);
    }

    #[test]
    fn too_much_for_two_days_fails_with_the_numbers() {
        let sections: Vec<Section> = (0..5).map(|i| section(&format!("c{i}"), "S", 170, false)).collect();
        let error = two_day_sessions(&sections).unwrap_err();
        assert!(error.contains("needs 5 sessions of 3 h 15 min"), "{error}");
    }

    #[test]
    fn the_schedule_has_clock_times_a_break_and_links_to_sections() {
        let sections = [section("a", "A1", 60, true), section("a", "A2", 45, true), section("b", "B1", 30, false)];
        let text = render(&sections).unwrap();
        assert!(text.contains("| 09:00 | [A1](a.md#a1) | a | 60 |"), "{text}");
        assert!(text.contains("| 10:45 | *break* | | 15 |"), "{text}");
        assert!(text.contains("| 11:00 | [B1](b.md#b1) | b | 30 |"), "{text}");
        assert!(text.contains("## The half-day workshop"), "{text}");
    }
}
